/**
 * bot-halt and bot-resume on the rig, through the real `atc` CLI and the simulators' own state: halt verified in
 * /control/state, a bot that ignores the halt gets its container stopped (and resume starts it again), a worker
 * killed with SIGKILL mid-halt (exactly one halt call), and the live approval gate. Leaves bots resumed, faults cleared.
 */
import { rmSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { BotHaltResult } from '../../src/runbooks/bot-halt/contract';
import type { BotResumeResult } from '../../src/runbooks/bot-resume/contract';
import { progressQuery, type Progress } from '../../src/runbooks/shared/messages';
import { atc, killService, killServices, serviceConfigFor, startService } from '../support/cli';
import { rigState } from '../support/rig';
import {
  clearFeed,
  containerRunning,
  controlState,
  expireHaltSilences,
  feedAlertsHeld,
  expireSilence,
  restoreBot,
  silenceFeedAlerts,
  silences,
  simBotState,
  waitForFeed,
} from './support/bots';
import { waitFor } from '../support/waitFor';

afterAll(async () => {
  await killServices();
  await clearFeed();
  for (const bot of ['bot_paper', 'bot_live']) {
    await restoreBot(bot);
    await expireHaltSilences(bot);
  }
}, 60_000);

async function runJson<T>(args: string[]): Promise<{ code: number; result: T; stderr: string }> {
  const r = await atc(['run', ...args, '--json']);
  return { code: r.code, result: JSON.parse(r.stdout) as T, stderr: r.stderr };
}
const halt = (env: string, service: string, reason: string) =>
  runJson<BotHaltResult>(['bot-halt', '--env', env, '--service', service, '--reason', reason]);
const resume = (env: string, service: string, as: string) =>
  runJson<BotResumeResult>(['bot-resume', '--env', env, '--service', service, '--as', as]);

test('halt bot_paper: newOrdersEnabled=false in its control state after one halt call; again → already-halted, no call; resume', async () => {
  const before = await simBotState('bot_paper');
  expect(before.newOrdersEnabled).toBe(true);
  const first = await halt('paper', 'bot_paper', 'integration test: halt');
  expect(first.code).toBe(0);
  expect(first.result).toMatchObject({ service: 'bot_paper', path: 'halted', confirmed: true });
  expect((await controlState('bot_paper')).newOrdersEnabled).toBe(false);
  expect((await simBotState('bot_paper')).haltCalls).toBe(before.haltCalls + 1);

  const again = await halt('paper', 'bot_paper', 'integration test: halt again');
  expect(again.result).toMatchObject({ path: 'already-halted', confirmed: true });
  expect((await simBotState('bot_paper')).haltCalls).toBe(before.haltCalls + 1);

  const resumed = await resume('paper', 'bot_paper', 'alice');
  expect(resumed.code).toBe(0);
  expect(resumed.result).toMatchObject({ outcome: 'succeeded', containerStarted: false, requestedBy: 'alice' });
  expect((await controlState('bot_paper')).newOrdersEnabled).toBe(true);
});

test('bot that ignores the halt: its container is stopped (TargetDown silenced); resume starts it again and resumes it', async () => {
  expect((await atc(['sim', 'fault', 'bot_paper', 'ignore-halt'])).code).toBe(0);
  const halted = await halt('paper', 'bot_paper', 'integration test: ignore-halt');
  expect(halted.code).toBe(0);
  expect(halted.result).toMatchObject({ path: 'container-stopped', confirmed: false });
  expect(halted.result.detail).toMatch(
    /halt not confirmed within 5000 ms: bot still reports newOrdersEnabled=true; container bot_paper stopped \(verified\)/,
  );
  expect(await containerRunning('bot_paper')).toBe(false);
  const mine = (await silences()).filter(
    (s) =>
      s.state === 'active' && s.createdBy === 'atc-ops bot-halt' && s.matchers.some((m) => m.value === 'bot_paper'),
  );
  expect(mine).toHaveLength(1);

  const resumed = await resume('paper', 'bot_paper', 'alice');
  expect(resumed.stderr).not.toMatch(/failed/);
  expect(resumed.result).toMatchObject({ outcome: 'succeeded', containerStarted: true });
  expect(await containerRunning('bot_paper')).toBe(true);
  const sim = await simBotState('bot_paper');
  expect(sim).toMatchObject({ newOrdersEnabled: true, faults: [] }); // a fresh process: the fault is gone with the old one
  expect((await silences()).filter((s) => s.id === mine[0]!.id).map((s) => s.state)).toEqual(['expired']);
}, 90_000);

describe('worker killed with SIGKILL in the middle of a halt', () => {
  const taskQueue = `bots-kill-${Date.now()}`;
  let client: Client;
  let connection: Connection;
  let configFile: string | undefined;
  beforeAll(async () => {
    connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    if (configFile) rmSync(configFile, { force: true });
  });

  test('the halt completes after a restart and the bot got exactly one halt call', async () => {
    // The rig's config on its own task queue, with a paper haltConfirmTimeout long enough that the kill, the restart
    // (`atc serve` loads the prebuilt workflow bundle: seconds) and the retried confirmation all fit inside it.
    const file = (configFile = serviceConfigFor(taskQueue, (config) => {
      config.environments!.paper = { ...(config.environments!.paper as object), haltConfirmTimeout: '40s' };
    }));
    const first = await startService(file);
    const h0 = (await simBotState('bot_paper')).haltCalls;
    expect((await atc(['sim', 'fault', 'bot_paper', 'ignore-halt'])).code).toBe(0); // keeps the workflow in the confirm phase
    const handle = await client.workflow.start('botHalt', {
      taskQueue,
      workflowId: `bot-halt-kill-${Date.now()}`,
      args: [{ environment: 'paper', service: 'bot_paper', reason: 'integration test: kill -9 mid-halt' }],
    });
    let progress: Progress | undefined;
    await waitFor('confirm phase', async () => {
      progress = await handle.query(progressQuery).catch(() => undefined);
      return progress?.steps.some((s) => s.name === 'confirm halted' && s.status === 'running') ?? false;
    });
    expect((await simBotState('bot_paper')).haltCalls).toBe(h0 + 1);

    await killService(first);
    expect(first.signalCode).toBe('SIGKILL');
    // The workflow lives in Temporal, not in the worker: still running once the worker is gone (killService waited).
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const restartAt = Date.now();
    await startService(file);
    expect(Date.now() - restartAt).toBeLessThan(30_000); // else the 40 s confirmation window may be over already
    await waitFor(
      'confirm retried by the new worker',
      async () => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        return pending.some((a) => a.activityType?.name === 'awaitBotHalted' && (a.attempt ?? 0) >= 2);
      },
      { timeoutMs: 15_000 },
    );
    expect((await simBotState('bot_paper')).haltCalls).toBe(h0 + 1); // the request phase was not repeated
    expect((await atc(['sim', 'clear', 'bot_paper'])).code).toBe(0);

    const result = (await handle.result()) as BotHaltResult;
    expect(result).toMatchObject({ path: 'container-stopped', confirmed: false }); // the ignored halt is never applied
    const history = await handle.fetchHistory();
    const requests = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestBotHalt',
    );
    expect(requests).toHaveLength(1);

    const resumed = await resume('paper', 'bot_paper', 'alice');
    expect(resumed.result).toMatchObject({ outcome: 'succeeded', containerStarted: true });
  }, 240_000);
});

test('resume in live: self-approval refused, approval while the feed is faulty refused, approval by another approver works', async () => {
  expect((await halt('live', 'bot_live', 'integration test: before resume')).result).toMatchObject({ path: 'halted' });
  const started = await atc([
    'run',
    'bot-resume',
    '--env',
    'live',
    '--service',
    'bot_live',
    '--as',
    'alice',
    '--detach',
    '--json',
  ]);
  const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
  let shown: { status: string; progress?: Progress; result?: BotResumeResult } = { status: 'RUNNING' };
  const show = async () => (shown = JSON.parse((await atc(['show', workflowId, '--json'])).stdout) as typeof shown);
  await waitFor('waiting for approval', async () => Boolean((await show()).progress?.waitingFor), {
    timeoutMs: 60_000,
  });
  expect(shown.progress?.waitingFor).toBe('approval by one of: bob, carol (not alice, who requested it)');

  const self = await atc(['approve', workflowId, '--as', 'alice']);
  expect(self.code).toBe(2);
  expect(self.stderr).toMatch(/approve refused: alice requested this resume and cannot approve it/);

  const silence = await silenceFeedAlerts('integration test: feed stalled on purpose');
  try {
    expect((await atc(['sim', 'fault', 'live_connector', 'stall'])).code).toBe(0);
    await waitForFeed('live', (s) => s === 'FAIL');
    const faulty = await atc(['approve', workflowId, '--as', 'bob']);
    expect(faulty.code).toBe(2);
    expect(faulty.stderr).toMatch(/approve refused: approval while the feed is faulty rejected: feed is FAIL in live/);
    expect((await controlState('bot_live')).newOrdersEnabled).toBe(false);
  } finally {
    await clearFeed();
    await waitForFeed('live', (s) => s === 'OK' || s === 'WARN');
    await waitFor('feed alerts resolved', async () => (await feedAlertsHeld()) === 0, { timeoutMs: 60_000 });
    await expireSilence(silence);
  }

  const ok = await atc(['approve', workflowId, '--as', 'bob', '--comment', 'feed is back']);
  expect(ok.code).toBe(0);
  await waitFor('resume finished', async () => (await show()).status !== 'RUNNING', { timeoutMs: 60_000 });
  expect(shown.status).toBe('COMPLETED');
  expect(shown.result).toMatchObject({ outcome: 'succeeded', requestedBy: 'alice', approvedBy: 'bob' });
  expect((await controlState('bot_live')).newOrdersEnabled).toBe(true);
}, 120_000);
