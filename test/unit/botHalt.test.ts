/** bot-halt on a Temporal dev server of its own: the real bot activities over a fake bot/container (test/support/fakeBotWorld). */
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { BotHaltInput, BotHaltResult } from '../../src/runbooks/bot-halt/contract';
import { progressQuery } from '../../src/runbooks/shared/messages';
import { fakeBotWorld } from '../support/fakeBotWorld';
import type { StubActivities } from './support/stubs';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';

const { client, withWorker } = useTestWorkflows(undefined, 'dev'); // the real activities compare server and wall clock

const input: BotHaltInput = { environment: 'paper', service: 'bot_paper', reason: 'unit test', requestedBy: 'alice' };

async function runHalt(activities: StubActivities, args: unknown, id: string) {
  return withWorker({ activities, taskQueuePrefix: 'bot-halt-test' }, async (taskQueue) => {
    const handle = await client().workflow.start('botHalt', {
      taskQueue,
      workflowId: `${id}-${Date.now()}`,
      args: [args],
    });
    const result = (await handle.result()) as BotHaltResult;
    return { result, handle, progress: await handle.query(progressQuery) };
  });
}

test('halt confirmed: one halt call, state read back, no container stop, warning notified', async () => {
  const { world, activities } = fakeBotWorld();
  const { result, handle, progress } = await runHalt(activities, input, 'halt-confirmed');
  expect(result).toMatchObject({ service: 'bot_paper', path: 'halted', confirmed: true });
  expect(world.bot).toMatchObject({ newOrdersEnabled: false, haltCalls: 1 });
  expect(world.container.stopCalls).toBe(0);
  expect(world.silences).toEqual([]);
  expect(world.notifications).toEqual([
    expect.objectContaining({ severity: 'warning', runbook: 'bot-halt', title: expect.stringContaining('halted') }),
  ]);
  expect(progress.steps.map((s) => [s.name, s.status])).toEqual([
    ['resolve bot', 'ok'],
    ['request halt', 'ok'],
    ['confirm halted', 'ok'],
    ['notify', 'ok'],
  ]);
  await maybeRecordHistory(handle, 'botHalt-confirmed');
});

test('bot ignores the halt: not confirmed within haltConfirmTimeout → container stopped and verified', async () => {
  const { world, activities } = fakeBotWorld();
  world.bot.ignoreHalt = true;
  const started = Date.now();
  const { result, handle } = await runHalt(activities, input, 'halt-ignored');
  expect(result).toMatchObject({ path: 'container-stopped', confirmed: false });
  expect(result.detail).toMatch(
    /not confirmed within 600 ms: bot still reports newOrdersEnabled=true; container bot_paper stopped \(verified\)/,
  );
  expect(world.bot.haltCalls).toBe(1);
  expect(world.container).toMatchObject({ running: false, stopCalls: 1 });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(world.notifications[0]).toMatchObject({
    severity: 'warning',
    title: expect.stringContaining('container-stopped'),
  });
  expect(world.silences).toEqual([
    expect.objectContaining({
      state: 'active',
      createdBy: 'atc-ops bot-halt',
      matchers: expect.arrayContaining([expect.objectContaining({ name: 'service', value: 'bot_paper' })]),
    }),
  ]);
  await maybeRecordHistory(handle, 'botHalt-containerStopped');
});

test('bot down (control endpoint unreachable): container stopped without waiting for a confirmation', async () => {
  const { world, activities } = fakeBotWorld();
  world.bot.reachable = false;
  const { result } = await runHalt(activities, input, 'halt-down');
  expect(result).toMatchObject({ path: 'container-stopped', confirmed: false });
  expect(result.detail).toMatch(/halt request failed: .*cannot connect/);
  expect(world.container.running).toBe(false);
});

test('already halted: no halt call, nothing stopped', async () => {
  const { world, activities } = fakeBotWorld();
  world.bot.newOrdersEnabled = false;
  const { result, handle, progress } = await runHalt(activities, input, 'halt-already');
  expect(result).toMatchObject({ path: 'already-halted', confirmed: true });
  expect(world.bot.haltCalls).toBe(0);
  expect(world.container.stopCalls).toBe(0);
  expect(progress.steps.find((s) => s.name === 'request halt')?.status).toBe('skipped');
  await maybeRecordHistory(handle, 'botHalt-alreadyHalted');
});

test('neither halted nor stoppable: critical notification first, then the workflow fails', async () => {
  const { world, activities } = fakeBotWorld();
  world.bot.ignoreHalt = true;
  world.container.stopFails = true;
  const err = await runHalt(activities, input, 'halt-unsafe').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('BotNotSafe');
  expect(cause.message).toMatch(
    /bot_paper NOT SAFE: halt not confirmed.*stopping container bot_paper failed: docker stop: engine busy/,
  );
  expect(world.notifications.map((n) => n.severity)).toEqual(['critical']);
});

test('bad input (Temporal UI) and a bot of another environment fail at once with the reason', async () => {
  const { activities } = fakeBotWorld();
  for (const bad of [
    { environment: 'paper', service: 'bot_paper' },
    { ...input, service: 'bot_live' },
  ]) {
    const err = await runHalt(activities, bad, 'halt-bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('BadInput');
    expect(cause.message).toMatch(/reason|does not run in environment paper/);
  }
});
