/**
 * What a deploy carries over from the old container to the new one. `docker inspect` shows a container's Config
 * merged with its image's defaults (Env, Labels, Cmd, ...), so re-creating it verbatim on a new image would keep the
 * OLD image's CMD and ENV. Rule: keep every setting of the container that differs from the old image's default;
 * drop the ones equal to it, so the NEW image's defaults apply there. Without the old image (deleted) everything is kept.
 */
import { isDeepStrictEqual } from 'node:util';
import type Docker from 'dockerode';
import { networksOf } from '../../../integrations/docker';
import type { CarriedOver } from '../contract';

const SECRET_NAME = /PASS|SECRET|TOKEN|KEY/i;
const REDACTED = '<redacted>';

/** KEY=value entries with the value of a secret-looking name replaced. */
export function redactEnv(entries: readonly string[]): string[] {
  return entries.map((e) => {
    const eq = e.indexOf('=');
    const key = eq < 0 ? e : e.slice(0, eq);
    return SECRET_NAME.test(key) && eq >= 0 ? `${key}=${REDACTED}` : e;
  });
}

function redactLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : v]));
}

type Config = Docker.ContainerInspectInfo['Config'];
const SCALAR_DEFAULTS = [
  'Cmd',
  'Entrypoint',
  'WorkingDir',
  'User',
  'Healthcheck',
  'StopSignal',
  'ExposedPorts',
] as const;

/** The inspect with its Config reduced to what the container set itself; `dropped` names the inherited defaults. */
export function carryOverConfig(
  info: Docker.ContainerInspectInfo,
  oldImage: Docker.ImageInspectInfo | undefined,
): { info: Docker.ContainerInspectInfo; dropped: string[] } {
  if (!oldImage) return { info, dropped: [] };
  const image = (oldImage.Config ?? {}) as Partial<Config>;
  const dropped: string[] = [];
  const imageEnv = new Set(image.Env ?? []);
  const env = (info.Config.Env ?? []).filter((e) => {
    if (!imageEnv.has(e)) return true;
    dropped.push(`env ${e.split('=')[0]}`);
    return false;
  });
  const imageLabels = image.Labels ?? {};
  const labels = Object.fromEntries(
    Object.entries(info.Config.Labels ?? {}).filter(([k, v]) => {
      if (imageLabels[k] !== v) return true;
      dropped.push(`label ${k}`);
      return false;
    }),
  );
  const config: Record<string, unknown> = { ...info.Config, Env: env, Labels: labels };
  for (const key of SCALAR_DEFAULTS) {
    const own = (info.Config as unknown as Record<string, unknown>)[key];
    if (own !== undefined && own !== null && isDeepStrictEqual(own, (image as Record<string, unknown>)[key])) {
      config[key] = undefined;
      dropped.push(key.toLowerCase());
    }
  }
  return { info: { ...info, Config: config as unknown as Config }, dropped };
}

const joined = (v: unknown): string[] | null =>
  v === undefined || v === null ? null : Array.isArray(v) ? v.map(String) : [String(v)];

/** A secret-free summary of the settings the new container gets (shown in the plan and the approval request). */
export function describeCarryOver(info: Docker.ContainerInspectInfo, dropped: string[]): CarriedOver {
  const h = info.HostConfig;
  const ports = Object.entries(h.PortBindings ?? {}).flatMap(([port, binds]) =>
    ((binds ?? []) as { HostIp?: string; HostPort?: string }[]).map(
      (b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort ?? ''}->${port}`,
    ),
  );
  const mounts = (info.Mounts ?? []).map(
    (m) => `${m.Type}:${m.Name ?? m.Source}->${m.Destination}${m.RW ? '' : ':ro'}`,
  );
  const hc = info.Config.Healthcheck as { Test?: string[]; Interval?: number; Retries?: number } | undefined;
  return {
    env: redactEnv(info.Config.Env ?? []),
    labels: redactLabels(info.Config.Labels ?? {}),
    cmd: joined(info.Config.Cmd),
    entrypoint: joined(info.Config.Entrypoint),
    networkMode: h.NetworkMode ?? 'default',
    networks: networksOf(info).map(([name]) => name),
    mounts,
    ports,
    restartPolicy: `${h.RestartPolicy?.Name || 'no'}${h.RestartPolicy?.MaximumRetryCount ? `:${h.RestartPolicy.MaximumRetryCount}` : ''}`,
    healthcheck: hc?.Test
      ? `${hc.Test.join(' ')} every ${Math.round((hc.Interval ?? 0) / 1e6)} ms, ${hc.Retries ?? 0} retries`
      : null,
    imageDefaultsDropped: dropped,
  };
}
