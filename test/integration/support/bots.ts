/** Helpers for the bot runbook tests on the rig: the simulators' own state, their containers, silences, the feed check. */
import Docker from 'dockerode';
import { checkFeedSection } from '../../../src/runbooks/daily-check/activities/feed';
import type { CheckSection } from '../../../src/runbooks/daily-check/contract';
import type { ActivityDeps } from '../../../src/runbooks/shared/deps';
import { createAlertmanagerClient } from '../../../src/integrations/alertmanager';
import { createPrometheusClient } from '../../../src/integrations/prometheus';
import { listSilences, type SilenceInfo } from '../../../src/integrations/silences';
import { rigConfig, rigState } from '../../support/rig';
import { waitFor } from '../../support/waitFor';

function simPort(service: string): number {
  const sim = rigState().sims.find((s) => s.service === service);
  if (!sim) throw new Error(`no simulator ${service} in the rig`);
  return sim.port;
}

async function getJson<T>(service: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${simPort(service)}${path}`, {
    ...init,
    signal: AbortSignal.timeout(3000),
  });
  if (!res.ok) throw new Error(`${service} ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export interface SimBotState {
  newOrdersEnabled: boolean;
  haltCalls: number;
  resumeCalls: number;
  faults: string[];
}
export const simBotState = (service: string) => getJson<SimBotState>(service, '/sim/state');
export const controlState = (service: string) =>
  getJson<{ newOrdersEnabled: boolean; openOrders: number; mode: string }>(service, '/control/state');

export function rigDocker(): Docker {
  return new Docker({ socketPath: rigState().dockerSocket });
}
export async function containerRunning(name: string): Promise<boolean> {
  return (await rigDocker().getContainer(name).inspect()).State.Running;
}

/** Puts a bot back as the rig had it: container running and answering, no faults, new orders enabled. */
export async function restoreBot(service: string): Promise<void> {
  if (!(await containerRunning(service))) await rigDocker().getContainer(service).start();
  await waitFor(`${service} answering`, async () => Boolean(await simBotState(service)), { timeoutMs: 30_000 });
  await getJson(service, '/sim/clear', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!(await controlState(service)).newOrdersEnabled)
    await getJson(service, '/control/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
}

export async function clearFeed(): Promise<void> {
  await getJson('live_connector', '/sim/clear', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

const alertmanager = () => createAlertmanagerClient(rigConfig().alertmanager.url);
export const silences = (): Promise<SilenceInfo[]> => listSilences(rigConfig().alertmanager.url);

/** Silences the feed alerts while a test stalls the feed on purpose (no incident, no fail-safe halt of the paper bots). */
export async function silenceFeedAlerts(comment: string): Promise<string> {
  const now = Date.now();
  return alertmanager().createSilence({
    matchers: [{ name: 'alertname', value: 'Feed.*', isRegex: true, isEqual: true }],
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 10 * 60_000).toISOString(),
    createdBy: 'atc-ops integration test',
    comment,
  });
}
/** Feed alerts Alertmanager still holds (silenced or not): expire the test's silence only once there are none. */
export async function feedAlertsHeld(): Promise<number> {
  return (await alertmanager().listAlerts({ filter: ['alertname=~"Feed.*"'] })).length;
}
export async function expireSilence(id: string): Promise<void> {
  await alertmanager().expireSilence(id);
}
/** Expires what bot-halt left for this bot (a test that fails half-way must not leave silences behind). */
export async function expireHaltSilences(service: string): Promise<void> {
  for (const s of await silences()) {
    if (s.state !== 'expired' && s.createdBy === 'atc-ops bot-halt' && s.matchers.some((m) => m.value === service))
      await expireSilence(s.id);
  }
}

/** The daily check's feed section, exactly as the runbooks run it. */
export async function feedSection(environment: string): Promise<CheckSection> {
  const config = rigConfig();
  return checkFeedSection(
    { config, metrics: createPrometheusClient(config.prometheus.url) } as ActivityDeps,
    environment,
  );
}

export async function waitForFeed(
  environment: string,
  wanted: (s: CheckSection['status']) => boolean,
  timeoutMs = 60_000,
): Promise<CheckSection> {
  return waitFor(
    `feed in ${environment}`,
    async () => {
      const section = await feedSection(environment);
      if (!wanted(section.status)) throw new Error(`still ${section.status}`);
      return section;
    },
    { timeoutMs, everyMs: 250 },
  );
}
