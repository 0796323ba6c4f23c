/**
 * After every integration test file: put the shared rig back as the next file expects it. Simulator containers
 * running with no faults, no alert firing, no open incident (incidents opened by a test's faults would halt bots
 * and refuse resumes and deploys in later files), no silence left behind, every bot accepting new orders.
 */
import Docker from 'dockerode';
import { clearFaults, waitSimReady } from '../../src/client/rig/sims';
import { renderQuery } from '../../src/runbooks/shared/queries';
import { closeOpenIncidents } from './incidents';
import { rigConfig, rigState } from './rig';
import { waitFor } from './waitFor';

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

/**
 * Every feed has a full window of bars, as the daily check's feed section and the feed-before-bot rules read it: right
 * after `rig up` (or a feed restart) the window is still filling, and a bot deploy or resume would be refused.
 */
async function feedsFull(prometheusPort: number): Promise<boolean> {
  const config = rigConfig();
  for (const feed of config.services.filter((s) => s.role === 'feed')) {
    const limits = config.environments[feed.environments[0]!]!.limits;
    const query = renderQuery(config.queries.feedBarsInWindow!, {
      job: feed.prometheusJob ?? feed.name,
      window: limits.feedWindow,
    });
    const body = (await (
      await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(query)}`)
    ).json()) as { data: { result: { value: [number, string] }[] } };
    const bars = Number(body.data.result[0]?.value[1] ?? NaN);
    if (!(bars >= limits.feedMinBarsInWindow)) return false;
  }
  return true;
}

async function activeAmAlerts(alertmanagerPort: number): Promise<string[]> {
  const body = (await (
    await fetch(`http://127.0.0.1:${alertmanagerPort}/api/v2/alerts?active=true&silenced=false&inhibited=false`)
  ).json()) as { labels: Record<string, string> }[];
  return body.map((a) => a.labels.alertname ?? '').filter((name) => !/^(AtcOpsDown|RestoreTest)/.test(name));
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
  await waitFor("resetRig: the simulators' Prometheus targets all up", () => targetsUp(state.ports.prometheus, jobs), {
    timeoutMs: 60_000,
    everyMs: 250,
  });
  await waitFor('resetRig: every feed has a full window of bars', () => feedsFull(state.ports.prometheus), {
    timeoutMs: 90_000,
    everyMs: 500,
  });
  let firing: string[] = [];
  const quiet = await waitFor(
    'resetRig: no alert firing',
    async () => (firing = await firingAlerts(state.ports.prometheus)).length === 0,
    { timeoutMs: 60_000, everyMs: 250 },
  ).catch(() => false);
  if (!quiet) process.stderr.write(`resetRig: alerts still firing after 60 s: ${firing.join(', ')}\n`);
  // Prometheus no longer fires them: wait until Alertmanager has the resolutions too, so no late notification
  // opens an incident after the ones closed below.
  else
    await waitFor(
      'resetRig: Alertmanager has no active alert',
      async () => (await activeAmAlerts(state.ports.alertmanager)).length === 0,
      { timeoutMs: 5000 },
    ).catch(() => undefined);
  await closeOpenIncidents();
  const am = `http://127.0.0.1:${state.ports.alertmanager}`;
  const silences = (await (await fetch(`${am}/api/v2/silences`)).json()) as { id: string; status: { state: string } }[];
  for (const s of silences.filter((x) => x.status.state !== 'expired'))
    await fetch(`${am}/api/v2/silence/${s.id}`, { method: 'DELETE' });
  for (const sim of state.sims.filter((s) => s.kind === 'bot')) {
    const base = `http://127.0.0.1:${sim.port}`;
    const bot = (await (await fetch(`${base}/control/state`)).json()) as { newOrdersEnabled: boolean };
    if (!bot.newOrdersEnabled) await fetch(`${base}/control/resume`, { method: 'POST' });
  }
}

afterAll(resetRig, 180_000);
