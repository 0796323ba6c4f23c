/**
 * The simulated AI_TRADING_CORE containers (feed + bots) of the rig: container specs, idempotent creation,
 * readiness, and the fault-injection client (POST /sim/fault|clear, GET /sim/state on 127.0.0.1:<port>).
 */
import type Dockerode from 'dockerode';
import { BadInputError, PermanentError, UnreachableError, errorMessage } from '../../errors';
import { BOT_FAULTS } from '../sim/bot';
import { FEED_FAULTS } from '../sim/feed';
import type { SimTarget } from './state';

export { BOT_FAULTS, FEED_FAULTS };

export interface SimContainerOptions {
  image: string;
  pg: { host: string; port: number; user: string; database: string };
  env?: Record<string, string>; // extra environment, e.g. SIM_BAR_INTERVAL_MS
}

export function simContainerOptions(target: SimTarget, opts: SimContainerOptions): Dockerode.ContainerCreateOptions {
  const env: Record<string, string> = {
    SIM_KIND: target.kind,
    SIM_NAME: target.service,
    SIM_PORT: String(target.port),
    ...(target.mode ? { SIM_MODE: target.mode } : {}),
    PGHOST: opts.pg.host,
    PGPORT: String(opts.pg.port),
    PGUSER: opts.pg.user,
    PGDATABASE: opts.pg.database,
    ...opts.env,
  };
  return {
    name: target.service,
    Image: opts.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { 'atc.rig': '1', 'atc.service': target.service, 'atc.role': target.kind },
    HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' } },
    Healthcheck: {
      Test: ['CMD', '/usr/bin/node', '/app/sim/healthcheck.js'],
      Interval: 2e9,
      Timeout: 5e9,
      Retries: 3,
      StartPeriod: 1e9,
    },
  };
}

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

async function inspectOrUndefined(
  docker: Dockerode,
  name: string,
): Promise<Dockerode.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (err) {
    if (statusCode(err) === 404) return undefined;
    throw err;
  }
}

export type EnsureAction = 'created' | 'started' | 'unchanged' | 'recreated';

/** True when the container was made from `desired`: same image (name and id: a rebuilt tag counts as new) and env. */
function matchesSpec(
  info: Dockerode.ContainerInspectInfo,
  desired: Dockerode.ContainerCreateOptions,
  imageId: string,
): boolean {
  const env = new Set(info.Config.Env ?? []);
  return (
    info.Config.Image === desired.Image &&
    info.Image === imageId &&
    (desired.Env ?? []).every((entry) => env.has(entry))
  );
}

/**
 * Idempotent: creates the container if missing, starts it if stopped. A container on ANOTHER image reference than
 * the rig's default keeps its image and configuration: a deploy or rollback (`atc run deploy`) put it there and
 * `rig up` must not undo that. Only a container on the rig's default tag whose build is stale (the tag was rebuilt)
 * or whose environment differs from the rig's spec is replaced. To force a container back onto the default spec,
 * remove it (`docker rm -f <service>`) and run `rig up`.
 */
export async function ensureSimContainer(
  docker: Dockerode,
  target: SimTarget,
  opts: SimContainerOptions,
  retryOnConflict = true,
): Promise<{ id: string; action: EnsureAction }> {
  const desired = simContainerOptions(target, opts);
  const existing = await inspectOrUndefined(docker, target.service);
  let action: EnsureAction = 'created';
  const onDefaultTag = existing?.Config.Image === desired.Image;
  if (existing && onDefaultTag && !matchesSpec(existing, desired, (await docker.getImage(opts.image).inspect()).Id)) {
    await docker.getContainer(existing.Id).remove({ force: true });
    action = 'recreated';
  } else if (existing) {
    if (existing.State.Running) return { id: existing.Id, action: 'unchanged' };
    await docker.getContainer(existing.Id).start();
    return { id: existing.Id, action: 'started' };
  }
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(desired);
  } catch (err) {
    if (statusCode(err) !== 409 || !retryOnConflict) throw err;
    return ensureSimContainer(docker, target, opts, false); // created meanwhile by someone else: converge on it
  }
  await container.start();
  return { id: container.id, action };
}

function simUrl(target: SimTarget, urlPath: string): string {
  return `http://127.0.0.1:${target.port}${urlPath}`;
}

async function simRequest(
  target: SimTarget,
  method: 'GET' | 'POST',
  urlPath: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(simUrl(target, urlPath), {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    });
  } catch (err) {
    throw new UnreachableError(`${target.service}: ${method} ${urlPath} failed: ${errorMessage(err)}`);
  }
  const text = await res.text();
  if (!res.ok) throw new PermanentError(`${target.service}: ${method} ${urlPath} answered ${res.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Polls GET /healthz until it answers 200. */
export async function waitSimReady(target: SimTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const res = await fetch(simUrl(target, '/healthz'), { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = errorMessage(err);
    }
    if (Date.now() >= deadline)
      throw new UnreachableError(`${target.service} not ready on port ${target.port} after ${timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function faultKindsFor(target: SimTarget): readonly string[] {
  return target.kind === 'feed' ? FEED_FAULTS : BOT_FAULTS;
}

/** Injects a fault; returns the simulator's state afterwards (a `crash` fault ends the process right after). */
export async function injectFault(target: SimTarget, kind: string): Promise<Record<string, unknown>> {
  const allowed = faultKindsFor(target);
  if (!allowed.includes(kind))
    throw new BadInputError(`unknown ${target.kind} fault "${kind}"; allowed: ${allowed.join(', ')}`);
  return (await simRequest(target, 'POST', '/sim/fault', { kind })) as Record<string, unknown>;
}

export async function clearFaults(target: SimTarget): Promise<Record<string, unknown>> {
  return (await simRequest(target, 'POST', '/sim/clear', {})) as Record<string, unknown>;
}

export async function simState(target: SimTarget): Promise<Record<string, unknown>> {
  return (await simRequest(target, 'GET', '/sim/state')) as Record<string, unknown>;
}
