/**
 * The container playbook on the real rig: a crashed bot container makes Prometheus fire TargetDown, the incident
 * restarts the container once (Docker), sees it running and healthy, and halts the restarted bot (never resumes it).
 * The bot is resumed by the test at the end.
 */
import { atc } from '../support/cli';
import { closeOpenIncidents, expireIncidentSilences, waitIncident, withRigClient } from '../support/incidents';
import { rigConfig } from '../support/rig';
import { waitFor } from '../support/waitFor';

const bot = rigConfig().services.find((s) => s.name === 'bot_paper')!;
const resume = () =>
  fetch(`${bot.controlUrl}/control/resume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }).catch(() => undefined);

beforeAll(async () => {
  await closeOpenIncidents({ environment: 'paper' });
  await expireIncidentSilences();
});
afterAll(async () => {
  await closeOpenIncidents({ environment: 'paper', waitMs: 30_000 });
  await resume();
});

test('bot container crash → TargetDown → one restart, verified running, bot halted again', async () => {
  const since = Date.now() - 1000;
  expect((await atc(['sim', 'fault', 'bot_paper', 'crash'])).code).toBe(0);
  const id = await waitFor(
    'a TargetDown incident on bot_paper',
    async () => {
      const rows = JSON.parse((await atc(['incidents', '--open', '--env', 'paper', '--json'])).stdout) as {
        workflowId: string;
        start: string;
        title?: string;
      }[];
      return rows.find((r) => r.title?.startsWith('TargetDown on bot_paper') && Date.parse(r.start) >= since)
        ?.workflowId;
    },
    { timeoutMs: 60_000, everyMs: 250 },
  );
  expect(id).not.toBe('');
  await withRigClient(async (client) => {
    const v = await waitIncident(
      client,
      id,
      (x) => x.actions.length >= 2 && x.actions.every((a) => a.status !== 'running'),
      90_000,
    );
    expect(v.actions.map((a) => [a.action, a.target, a.status])).toEqual([
      ['restart-container', 'bot_paper', 'verified'],
      ['halt-bot', 'bot_paper', 'verified'],
    ]);
    expect(v.actions[0]!.detail).toMatch(/started \(it was exited\); running/);
    const state = (await (await fetch(`${bot.controlUrl}/control/state`)).json()) as { newOrdersEnabled: boolean };
    expect(state.newOrdersEnabled).toBe(false);
    await waitIncident(client, id, (x) => x.alerts.every((a) => a.status === 'resolved'), 60_000);
    expect((await atc(['resolve', id, '--as', 'alice', '--summary', 'crash test'])).code).toBe(0);
    expect(await client.workflow.getHandle(id).result()).toMatchObject({ status: 'closed' });
  });
});
