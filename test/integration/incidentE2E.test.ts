/**
 * End to end with the real pieces, no hand-made payloads: a feed stall makes Prometheus fire FeedStale, the rig's
 * Alertmanager posts to the service's webhook, the incident opens and halts every bot the feed serves — paper's, and
 * live's too (verified on the simulators) — clearing the fault resolves the alert, ack creates a silence (seen in
 * Alertmanager's API), resolve closes the incident, the postmortem is written and the silence expired. The halted
 * bots are resumed at the end.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncidentResult } from '../../src/runbooks/incident/contract';
import { atc } from '../support/cli';
import { closeOpenIncidents, expireIncidentSilences, waitIncident, withRigClient } from '../support/incidents';
import { rigConfig, rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

const state = rigState();
const config = rigConfig();
const feed = config.services.find((s) => s.name === 'live_connector')!;
// The paper incident halts the paper bots, and the bots of every other environment the feed serves where
// haltBotsOnFeedFailure is on (the rig: live, not dev).
const fedEnvs = feed.environments.filter((e) => e === 'paper' || config.environments[e]!.haltBotsOnFeedFailure);
const fedBots = config.services.filter((s) => s.role === 'bot' && s.environments.some((e) => fedEnvs.includes(e)));
const amUrl = `http://127.0.0.1:${state.ports.alertmanager}`;
const getJson = async <T>(url: string): Promise<T> =>
  (await fetch(url, { signal: AbortSignal.timeout(5000) })).json() as Promise<T>;

async function resumeFedBots(): Promise<void> {
  for (const b of fedBots)
    await fetch(`${b.controlUrl}/control/resume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
}

/** Silences that would hide FeedStale of the paper feed from the webhook (a test before us may have left one). */
async function expireFeedSilences(): Promise<void> {
  type Silence = {
    id: string;
    status: { state: string };
    matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  };
  const labels: Record<string, string> = {
    alertname: 'FeedStale',
    environment: 'paper',
    service: 'live_connector',
    job: 'live_connector',
    severity: 'critical',
  };
  for (const s of await getJson<Silence[]>(`${amUrl}/api/v2/silences`)) {
    const hits = s.matchers.every((m) => {
      const v = labels[m.name] ?? '';
      const match = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(v) : v === m.value;
      return m.isEqual === false ? !match : match;
    });
    if (s.status.state !== 'expired' && hits) await fetch(`${amUrl}/api/v2/silence/${s.id}`, { method: 'DELETE' });
  }
}

beforeAll(async () => {
  await closeOpenIncidents({ environment: 'paper' }); // a leftover open incident would swallow this test's alert
  await expireIncidentSilences();
  await expireFeedSilences();
  await resumeFedBots();
});
afterAll(async () => {
  await atc(['sim', 'clear', 'live_connector']);
  await closeOpenIncidents({ environment: 'paper', waitMs: 30_000 });
  await resumeFedBots();
});

async function findFeedIncident(since: number): Promise<string> {
  return waitFor(
    'a FeedStale incident opened after the stall',
    async () => {
      const r = await atc(['incidents', '--open', '--env', 'paper', '--json']);
      const rows =
        r.code === 0 ? (JSON.parse(r.stdout) as { workflowId: string; start: string; title?: string }[]) : [];
      return rows.find((x) => x.title?.startsWith('FeedStale') && Date.parse(x.start) >= since)?.workflowId;
    },
    { timeoutMs: 90_000, everyMs: 250 },
  );
}

test('feed stall → Prometheus → Alertmanager → incident halts every bot the feed serves; clear, ack + silence, resolve, postmortem', async () => {
  expect(fedBots.map((b) => b.name).sort()).toEqual(['bot_live', 'bot_paper']);
  await withRigClient(async (client) => {
    const since = Date.now() - 1000;
    expect((await atc(['sim', 'fault', 'live_connector', 'stall'])).code).toBe(0);
    const id = await findFeedIncident(since);

    const halted = await waitIncident(client, id, (v) =>
      fedBots.every((b) => v.actions.some((a) => a.target === b.name && a.status !== 'running')),
    );
    expect(halted.severity).toBe('critical');
    expect(halted.alerts.map((a) => a.alertname)).toEqual(['FeedStale']);
    for (const b of fedBots) {
      expect(halted.actions.find((a) => a.target === b.name)).toMatchObject({ action: 'halt-bot', status: 'verified' });
      const control = await getJson<{ newOrdersEnabled: boolean }>(`${b.controlUrl}/control/state`);
      expect(control.newOrdersEnabled).toBe(false);
    }

    expect((await atc(['sim', 'clear', 'live_connector'])).code).toBe(0);
    const resolved = await waitIncident(
      client,
      id,
      (v) => v.alerts.length > 0 && v.alerts.every((a) => a.status === 'resolved'),
      90_000,
    );
    expect(resolved.status).toBe('open'); // critical: waits for a human

    const ack = await atc(['ack', id, '--as', 'alice', '--comment', 'on it']);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toMatch(/silence [0-9a-f-]{36}/);
    const silences = await getJson<
      { id: string; comment: string; status: { state: string }; matchers: { name: string; value: string }[] }[]
    >(`${amUrl}/api/v2/silences`);
    const silence = silences.find((s) => s.comment.includes(`[incident ${id}]`));
    expect(silence?.status.state).toBe('active');
    expect(silence?.matchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alertname', value: 'FeedStale' }),
        expect.objectContaining({ name: 'environment', value: 'paper' }),
      ]),
    );

    expect((await atc(['note', id, '--as', 'alice', '--text', 'feed stalled; bots halted by the playbook'])).code).toBe(
      0,
    );
    const bad = await atc(['resolve', id, '--as', 'bob']);
    expect(bad.code).toBe(2);
    const resolve = await atc(['resolve', id, '--as', 'bob', '--summary', 'simulated venue stall, cleared']);
    expect(resolve.code).toBe(0);

    const result = (await client.workflow.getHandle(id).result()) as IncidentResult;
    expect(result).toMatchObject({
      status: 'closed',
      ack: { actor: 'alice' },
      resolution: { actor: 'bob' },
      firing: 0,
    });
    expect(result.silence?.expiredAt).toBeDefined();
    const after = await getJson<{ id: string; status: { state: string } }[]>(`${amUrl}/api/v2/silences`);
    expect(after.find((s) => s.id === silence!.id)?.status.state).toBe('expired');

    expect(result.postmortemPath && existsSync(result.postmortemPath)).toBe(true);
    const md = readFileSync(result.postmortemPath!, 'utf8');
    for (const text of [
      `# Postmortem: FeedStale`,
      'by **alice**',
      'by **bob**',
      '| halt-bot | bot_paper |',
      '| ack | alice |',
      'simulated venue stall',
    ])
      expect(md).toContain(text);

    const shown = await atc(['show', id]);
    expect(shown.stdout).toMatch(/halt-bot bot_paper verified/);
    expect(shown.stdout).toMatch(/halt-bot bot_live verified/);
    const metrics = await (await fetch(`http://127.0.0.1:${state.ports.service}/metrics`)).text();
    expect(metrics).toMatch(/atc_ops_incident_first_action_seconds_count\{environment="paper"\} [1-9]/);
    expect(metrics).toMatch(/atc_ops_incidents_closed_total\{environment="paper",severity="critical"\} [1-9]/);
  });
});
