/**
 * After every integration test file: put the shared rig back as the next file expects it. Simulator containers
 * running with no faults, no alert firing, no open incident (incidents opened by a test's faults would halt bots
 * and refuse resumes and deploys in later files), no silence left behind, every bot accepting new orders.
 */
import Docker from 'dockerode';
import { clearFaults, waitSimReady } from '../../src/client/rig/sims';
import { closeOpenIncidents } from './incidents';
import { rigState } from './rig';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function firingAlerts(prometheusPort: number): Promise<string[]> {
  const url = `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname!~"AtcOpsDown|RestoreTest.*"}')}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string> }[] } };
  return body.data.result.map((r) => `${r.metric.alertname}/${r.metric.service ?? ''}`);
}

/** Every simulator's target scraped and up (a test may have restarted Prometheus, which then has no samples yet). */
async function targetsUp(prometheusPort: number, jobs: string[]): Promise<boolean> {
  const url = `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(`up{job=~"${jobs.join('|')}"}`)}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result.length === jobs.length && body.data.result.every((r) => r.value[1] === '1');
}

export async function resetRig(): Promise<void> {
  const state = rigState();
  const docker = new Docker({ socketPath: state.dockerSocket });
  for (const sim of state.sims) {
    const c = docker.getContainer(sim.service);
    if (!(await c.inspect()).State.Running) await c.start();
    await waitSimReady(sim, 30_000);
    await clearFaults(sim);
  }
  const jobs = state.sims.map((s) => s.service);
  let up = await targetsUp(state.ports.prometheus, jobs).catch(() => false);
  for (let i = 0; i < 120 && !up; i++, await sleep(500)) up = await targetsUp(state.ports.prometheus, jobs).catch(() => false);
  if (!up) throw new Error(`resetRig: the simulators' Prometheus targets are not all up after 60 s`);
  let firing = await firingAlerts(state.ports.prometheus);
  for (let i = 0; i < 120 && firing.length; i++, await sleep(500)) firing = await firingAlerts(state.ports.prometheus);
  if (firing.length) process.stderr.write(`resetRig: alerts still firing after 60 s: ${firing.join(', ')}\n`);
  await sleep(firing.length ? 0 : 500);
  await closeOpenIncidents();
  const am = `http://127.0.0.1:${state.ports.alertmanager}`;
  const silences = (await (await fetch(`${am}/api/v2/silences`)).json()) as { id: string; status: { state: string } }[];
  for (const s of silences.filter((x) => x.status.state !== 'expired')) await fetch(`${am}/api/v2/silence/${s.id}`, { method: 'DELETE' });
  for (const sim of state.sims.filter((s) => s.kind === 'bot')) {
    const base = `http://127.0.0.1:${sim.port}`;
    const bot = (await (await fetch(`${base}/control/state`)).json()) as { newOrdersEnabled: boolean };
    if (!bot.newOrdersEnabled) await fetch(`${base}/control/resume`, { method: 'POST' });
  }
}

afterAll(resetRig, 180_000);
