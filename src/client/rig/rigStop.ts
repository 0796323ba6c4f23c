/** `atc rig down` (stops exactly the processes the rig started, by pid) and `atc rig status`. */
import { readdirSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { dockerRunDir } from './dockerd';
import { pgDataRoot } from './postgres';
import { readRigState, writeRigState, type RigState } from './state';
import { httpOk, isAlive, stopPid } from './processes';

type Part = keyof RigState['pids'];
const STOP_ORDER: [Part, NodeJS.Signals, number][] = [
  ['service', 'SIGTERM', 20_000],
  ['prometheus', 'SIGTERM', 15_000],
  ['alertmanager', 'SIGTERM', 15_000],
  ['dockerd', 'SIGTERM', 30_000],
  ['postgres', 'SIGINT', 30_000],
  ['temporal', 'SIGTERM', 20_000],
];

/** Processes whose command line names one of this rig's folders (none may survive `rig down`). */
export function rigSurvivors(state: RigState): string[] {
  const marks = [state.dir, pgDataRoot(state.home), dockerRunDir(state.home)];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue; // gone already
    }
    if (marks.some((m) => cmd.includes(m))) found.push(`${pid} ${cmd.slice(0, 160)}`);
  }
  return found;
}

/** Stops every part; returns the processes still alive afterwards (empty on success). */
export async function rigDown(log: (line: string) => void = () => undefined): Promise<string[]> {
  const state = readRigState();
  if (!state) {
    log('rig: not up (no state file)');
    return [];
  }
  if (isAlive(state.pids.dockerd)) {
    const docker = new Docker({ socketPath: state.dockerSocket });
    await Promise.all(
      state.sims.map((s) =>
        docker
          .getContainer(s.service)
          .stop({ t: 2 })
          .catch(() => undefined),
      ),
    );
  }
  for (const [part, signal, grace] of STOP_ORDER) {
    if (await stopPid(state.pids[part], signal, grace)) log(`${part}: stopped (pid ${state.pids[part]})`);
    delete state.pids[part];
    writeRigState(state);
  }
  return rigSurvivors(state);
}

export interface PartStatus {
  part: string;
  pid?: number;
  running: boolean;
  ready: boolean;
  endpoint?: string;
}

export async function rigStatus(): Promise<{ up: boolean; parts: PartStatus[]; state?: RigState }> {
  const state = readRigState();
  if (!state) return { up: false, parts: [] };
  const probe = async (url: string) => httpOk(url, 1500).catch(() => false);
  const docker = new Docker({ socketPath: state.dockerSocket });
  const checks: Record<Part, [string | undefined, () => Promise<boolean>]> = {
    temporal: [
      `127.0.0.1:${state.ports.temporal} (UI http://127.0.0.1:${state.ports.temporalUi})`,
      () => probe(`http://127.0.0.1:${state.ports.temporalUi}/`),
    ],
    postgres: [`127.0.0.1:${state.ports.postgres}`, async () => isAlive(state.pids.postgres)],
    dockerd: [
      `unix://${state.dockerSocket}`,
      () =>
        docker.ping().then(
          () => true,
          () => false,
        ),
    ],
    prometheus: [
      `http://127.0.0.1:${state.ports.prometheus}`,
      () => probe(`http://127.0.0.1:${state.ports.prometheus}/-/ready`),
    ],
    alertmanager: [
      `http://127.0.0.1:${state.ports.alertmanager}`,
      () => probe(`http://127.0.0.1:${state.ports.alertmanager}/-/ready`),
    ],
    service: [
      `http://127.0.0.1:${state.ports.service}`,
      () => probe(`http://127.0.0.1:${state.ports.service}/healthz`),
    ],
  };
  const parts: PartStatus[] = [];
  for (const [part, [endpoint, ready]] of Object.entries(checks) as [
    Part,
    [string | undefined, () => Promise<boolean>],
  ][]) {
    const running = isAlive(state.pids[part]);
    parts.push({ part, pid: state.pids[part], running, ready: running && (await ready()), endpoint });
  }
  for (const sim of state.sims) {
    const ready = await probe(`http://127.0.0.1:${sim.port}/healthz`);
    parts.push({ part: sim.service, running: ready, ready, endpoint: `http://127.0.0.1:${sim.port}` });
  }
  return { up: parts.every((p) => p.ready), parts, state };
}
