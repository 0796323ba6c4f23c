/**
 * Helpers of the deploy integration tests: the containers of one service (by name and retired name), their
 * configuration as inspect shows it, the deploy's JSON result through the CLI, and putting the rig back
 * (the shared resetRig plus: no alert left in Alertmanager, services on 1.0.0).
 */
import { Client, Connection } from '@temporalio/client';
import type Docker from 'dockerode';
import type { DeployResult } from '../../../src/runbooks/deploy/contract';
import { atc } from '../../support/cli';
import { resetRig } from '../../support/resetRig';
import { rigConfig, rigState } from '../../support/rig';
import { docker, waitSection } from './dailyCheckRig';

export const BASE_IMAGE = 'atc-sim:1.0.0';

export async function temporalClient(): Promise<Client> {
  const connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
  return new Client({ connection });
}

/** Every container of the service: its own name or a retired <name>-atc-old-<id>. */
export async function containersOf(
  service: string,
): Promise<{ name: string; image: string; state: string; id: string }[]> {
  const all = await docker().listContainers({ all: true });
  return all
    .map((c) => ({ name: (c.Names[0] ?? '').replace(/^\//, ''), image: c.Image, state: c.State, id: c.Id }))
    .filter((c) => c.name === service || c.name.startsWith(`${service}-atc-old-`));
}

/** Exactly one container of the service exists, under its own name, running; returns its image. */
export async function expectExactlyOne(service: string): Promise<string> {
  const list = await containersOf(service);
  expect(list.map((c) => [c.name, c.state])).toEqual([[service, 'running']]);
  return list[0]!.image;
}

export const inspect = (name: string): Promise<Docker.ContainerInspectInfo> => docker().getContainer(name).inspect();

/** The parts of an inspect that a restore must keep exactly. */
export function configOf(i: Docker.ContainerInspectInfo) {
  return {
    Id: i.Id,
    Image: i.Image,
    Env: i.Config.Env,
    Labels: i.Config.Labels,
    Cmd: i.Config.Cmd,
    Healthcheck: i.Config.Healthcheck,
    HostConfig: i.HostConfig,
  };
}

export async function runJson(args: string[]): Promise<{ code: number; result: DeployResult; stderr: string }> {
  const r = await atc([...args, '--json'], { timeoutMs: 180_000 });
  try {
    return { code: r.code, result: JSON.parse(r.stdout) as DeployResult, stderr: r.stderr };
  } catch {
    throw new Error(`atc ${args.join(' ')} gave no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/**
 * The shared reset (resetRig), then no alert left in Alertmanager for paper or live either (a breach seen briefly
 * during a deploy may fire after it), then the reset once more: an incident opened meanwhile would refuse the next deploy.
 */
export async function settleRig(): Promise<void> {
  await resetRig();
  for (const env of ['paper', 'live']) {
    const alerts = await waitSection('alerts', env, (x) => x.status === 'OK', 90_000);
    if (alerts.status !== 'OK') throw new Error(`alerts in ${env} did not clear: ${JSON.stringify(alerts.items)}`);
  }
  await resetRig();
}

/** Puts a service back on the base image (a test that failed midway may have left it elsewhere). */
export async function backToBase(service: string): Promise<void> {
  const info = await inspect(service);
  if (info.Config.Image === BASE_IMAGE) return;
  const env = rigConfig()
    .services.find((s) => s.name === service)!
    .environments.find((e) => e !== 'dev')!;
  const r = await atc(['run', 'deploy', '--env', env, '--service', service, '--image', BASE_IMAGE, '--as', 'test'], {
    timeoutMs: 180_000,
  });
  if (r.code !== 0) throw new Error(`could not put ${service} back on ${BASE_IMAGE}: ${r.stdout}${r.stderr}`);
}
