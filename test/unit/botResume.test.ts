/** bot-resume on a Temporal test server: preflight refusals, the approval gate (validators, feed re-check, reject, timeout). */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { BotResumeInput, BotResumeResult } from '../../src/runbooks/bot-resume/contract';
import { approveUpdate, rejectUpdate } from '../../src/runbooks/shared/messages';
import { criticalAlert, fakeBotWorld } from '../support/fakeBotWorld';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';
import { refusedUpdate, waitingFor } from '../support/approvals';

const { client, withWorker } = useTestWorkflows();

const live: BotResumeInput = {
  environment: 'live',
  service: 'bot_live',
  requestedBy: 'alice',
  reason: 'feed recovered',
};
const paper: BotResumeInput = { environment: 'paper', service: 'bot_paper', requestedBy: 'alice' };

type World = ReturnType<typeof fakeBotWorld>['world'];

async function runResume(
  input: unknown,
  id: string,
  drive: (handle: WorkflowHandle, world: World) => Promise<void> = async () => undefined,
  setup: (w: World) => void = () => undefined,
) {
  const { world, activities } = fakeBotWorld();
  world.bot.newOrdersEnabled = false; // halted before
  setup(world);
  return withWorker({ activities, taskQueuePrefix: 'bot-resume-test' }, async (taskQueue) => {
    const handle = await client().workflow.start('botResume', {
      taskQueue,
      workflowId: `${id}-${Date.now()}`,
      args: [input],
    });
    await drive(handle, world);
    const result = (await handle.result()) as BotResumeResult;
    return { result, handle, world };
  });
}

const approve = (h: WorkflowHandle, actor: string) => h.executeUpdate(approveUpdate, { args: [{ actor }] });
async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

test('live: self-approval and a non-approver are refused by the validator (nothing recorded); another approver resumes', async () => {
  const { result, handle, world } = await runResume(live, 'resume-approved', async (h) => {
    expect(await waitingFor(h)).toBe('approval by one of: bob, carol (not alice, who requested it)');
    expect(await refusedUpdate(approve(h, 'alice'))).toMatch(/alice requested this resume and cannot approve it/);
    expect(await refusedUpdate(approve(h, 'mallory'))).toMatch(
      /mallory is not an approver for live \(approvers: alice, bob, carol\)/,
    );
    expect(await acceptedUpdates(h)).toBe(0);
    await expect(approve(h, 'bob')).resolves.toEqual({ accepted: true, actor: 'bob' });
  });
  expect(result).toMatchObject({
    outcome: 'succeeded',
    requestedBy: 'alice',
    approvedBy: 'bob',
    containerStarted: false,
  });
  expect(Date.parse(result.approvedAt!)).toBeGreaterThanOrEqual(Date.parse(result.requestedAt));
  expect(result.resumedAt).toBeDefined();
  expect(world.bot).toMatchObject({ newOrdersEnabled: true, resumeCalls: 1 });
  expect(await acceptedUpdates(handle)).toBe(1);
  expect(world.notifications).toEqual([expect.objectContaining({ severity: 'info', runbook: 'bot-resume' })]);
  await maybeRecordHistory(handle, 'botResume-approved');
});

test('live: an approval while the feed is faulty is rejected; a later approval with a healthy feed succeeds', async () => {
  const { result, handle, world } = await runResume(live, 'resume-feed-faulty', async (h, w) => {
    await waitingFor(h);
    w.feed = 'FAIL';
    expect(await refusedUpdate(approve(h, 'bob'))).toMatch(
      /approval while the feed is faulty rejected: feed is FAIL in live/,
    );
    w.feed = 'OK';
    await expect(approve(h, 'carol')).resolves.toEqual({ accepted: true, actor: 'carol' });
  });
  expect(result).toMatchObject({ outcome: 'succeeded', approvedBy: 'carol' });
  expect(world.bot.resumeCalls).toBe(1);
  await maybeRecordHistory(handle, 'botResume-feedFaultyApproval');
});

test('live: reject → cancelled with the actor; nothing changed', async () => {
  const { result, handle, world } = await runResume(live, 'resume-rejected', async (h) => {
    await waitingFor(h);
    expect(await refusedUpdate(h.executeUpdate(rejectUpdate, { args: [{ actor: 'mallory' }] }))).toMatch(
      /mallory is not an approver/,
    );
    await h.executeUpdate(rejectUpdate, { args: [{ actor: 'bob', comment: 'not before the post-mortem' }] });
  });
  expect(result).toMatchObject({
    outcome: 'cancelled',
    cancelledBy: 'bob',
    detail: 'rejected by bob: not before the post-mortem',
  });
  expect(result.approvedBy).toBeUndefined();
  expect(world.bot).toMatchObject({ newOrdersEnabled: false, resumeCalls: 0 });
  await maybeRecordHistory(handle, 'botResume-rejected');
});

test('live: approval timeout → cancelled; nothing changed', async () => {
  const { result, world } = await runResume({ ...live, approvalTimeout: '1s' }, 'resume-timeout');
  expect(result).toMatchObject({
    outcome: 'cancelled',
    detail: 'approval timed out after 1000 ms; nothing was changed',
  });
  expect(result.cancelledBy).toBeUndefined();
  expect(world.bot).toMatchObject({ newOrdersEnabled: false, resumeCalls: 0 });
});

test('an approvalTimeout longer than the environment allows is bad input', async () => {
  const err = await runResume({ ...live, approvalTimeout: '2h' }, 'resume-long').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect(((err as WorkflowFailedError).cause as ApplicationFailure).message).toMatch(
    /approvalTimeout 2h exceeds the live maximum/,
  );
});

test('paper (no approval): a stopped container is started and the bot resumed', async () => {
  const { result, handle, world } = await runResume(paper, 'resume-paper', undefined, (w) => {
    w.container.running = false;
    const matchers = [
      { name: 'alertname', value: 'TargetDown', isRegex: false },
      { name: 'service', value: 'bot_paper', isRegex: false },
    ];
    w.silences = [
      {
        id: 's1',
        state: 'active',
        comment: 'bot-halt',
        createdBy: 'atc-ops bot-halt',
        endsAt: '2099-01-01T00:00:00Z',
        matchers,
      },
    ];
    w.alerts = [criticalAlert('TargetDown', 'paper', 'bot_paper')]; // its own target down: what the resume repairs
  });
  expect(result).toMatchObject({ outcome: 'succeeded', containerStarted: true });
  expect(result.approvedBy).toBeUndefined();
  expect(world.container).toMatchObject({ running: true, startCalls: 1 });
  expect(world.silences.map((x) => x.state)).toEqual(['expired']); // bot-halt's TargetDown silence is gone
  expect(world.bot.newOrdersEnabled).toBe(true);
  await maybeRecordHistory(handle, 'botResume-paperStarted');
});

test.each([
  [
    'feed FAIL',
    (w: World) => void (w.feed = 'FAIL'),
    'feed-healthy',
    /feed is FAIL in paper: live_connector bars in window: FAIL/,
  ],
  [
    'feed check unreachable',
    (w: World) => void (w.feedUnreachable = true),
    'feed-healthy',
    /feed check failed, the feed is UNKNOWN/,
  ],
  [
    'critical alert',
    (w: World) => void (w.alerts = [criticalAlert('FeedStale', 'paper', 'live_connector')]),
    'no-critical-alert',
    /FeedStale\{service=live_connector\}/,
  ],
  [
    'critical incident',
    (w: World) => void (w.incidents = [{ workflowId: 'incident-paper-1', severity: 'critical' }]),
    'no-critical-incident',
    /incident-paper-1/,
  ],
])('refused when %s; nothing changed', async (_name, setup, rule, detail) => {
  const { result, handle, world } = await runResume(paper, 'resume-refused', undefined, setup);
  expect(result).toMatchObject({ outcome: 'refused', rule });
  expect(result.detail).toMatch(detail);
  expect(world.bot.resumeCalls).toBe(0);
  expect(world.container.startCalls).toBe(0);
  if (rule === 'feed-healthy' && _name === 'feed FAIL') await maybeRecordHistory(handle, 'botResume-refused');
});
