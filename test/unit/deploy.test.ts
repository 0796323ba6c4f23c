/**
 * deploy and rollback with stubbed activities (and a stub botHalt child) on the rig's real Temporal dev server:
 * preflight refusals, dry run, the bot halt before the swap, rollback on a gate failure, approvals and timeouts.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { CheckStatus } from '../../src/runbooks/daily-check/contract';
import type { DeploymentRecord, DeployPlan, GateSpec } from '../../src/runbooks/deploy/contract';
import { durationMs } from '../../src/config';
import type { DeployResult, Refusal } from '../../src/runbooks/deploy/contract';
import { approveUpdate, rejectUpdate } from '../../src/runbooks/shared/messages';
import type { StubActivities } from './support/stubs';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';
import { refusedUpdate, waitingFor } from '../support/approvals';

const { client, withWorker } = useTestWorkflows(require.resolve('./support/deployWorkflows'));
const noop = () => undefined;

const GATES: GateSpec[] = [
  { name: 'bot drawdown', query: 'max(atc_bot_drawdown_pct{job="bot_paper"})', op: '<', threshold: 10 },
];

function planFor(environment: string, service: string, role: DeployPlan['role'], approval: boolean): DeployPlan {
  return {
    ...{ environment, service, role, container: service, job: service, gates: GATES },
    from: { image: 'atc-sim:1.0.0', imageId: 'sha256:aaaaaaaaaaaaaaaa' },
    to: { image: 'atc-sim:1.1.0', imageId: 'sha256:bbbbbbbbbbbbbbbb' },
    carriedOver: {
      env: ['SIM_PORT=1', 'DB_PASSWORD=<redacted>'],
      labels: {},
      cmd: null,
      entrypoint: null,
      networkMode: 'host',
      networks: [],
      mounts: [],
      ports: [],
      restartPolicy: 'no',
      healthcheck: 'CMD x',
      imageDefaultsDropped: ['cmd'],
    },
    ...{
      analysisWindowMs: 2000,
      gateIntervalMs: 1000,
      healthTimeoutMs: 5000,
      openOrdersTimeoutMs: 5000,
      stopTimeoutSeconds: 5,
    },
    approval: { required: approval, approvers: ['alice', 'bob', 'carol'], timeoutMs: 3_600_000 },
  };
}

interface WorldOptions {
  role?: DeployPlan['role'];
  refusals?: Refusal[];
  feed?: CheckStatus[]; // one per checkFeed call; the last one repeats
  gates?: boolean[]; // one per evaluation; the last one repeats
  ready?: boolean;
  botEnabled?: boolean;
  previous?: { image: string; imageId: string };
}

function world(o: WorldOptions = {}) {
  const calls: string[] = [];
  const history: DeploymentRecord[] = [];
  const newOrders: boolean[] = [];
  const feed = [...(o.feed ?? ['OK'])];
  const gates = [...(o.gates ?? [true])];
  const next = <T>(list: T[]): T => (list.length > 1 ? list.shift()! : list[0]!);
  const track =
    <A extends unknown[], R>(name: string, fn: (...a: A) => R) =>
    async (...a: A) => (calls.push(name), fn(...a));
  const activities = {
    deployPreflight: track('preflight', () => ({ refusals: o.refusals ?? [], role: o.role ?? 'bot' })),
    checkFeed: track('checkFeed', () => ({
      section: 'feed' as const,
      status: next(feed),
      items: [
        { name: 'live_connector latency', status: feed[0]!, value: 5000, threshold: 'fail > 1000 ms', evidence: [] },
      ],
      durationMs: 1,
    })),
    deployPlan: track('plan', (r: { environment: string; service: string; approvalTimeout?: string }) => {
      const p = planFor(r.environment, r.service, o.role ?? 'bot', r.environment === 'live');
      if (r.approvalTimeout) p.approval.timeoutMs = Math.min(p.approval.timeoutMs, durationMs(r.approvalTimeout));
      return p;
    }),
    deployNotify: track('notify', noop),
    deployBotState: track('botState', () => ({ newOrdersEnabled: o.botEnabled ?? true, openOrders: 2, mode: 'paper' })),
    stubHaltCalled: track('botHalt', noop),
    deployWaitOpenOrders: track('waitOpenOrders', () => ({ ok: true, detail: 'openOrders=0' })),
    deployRecordOld: track('recordOld', () => ({
      id: 'a'.repeat(64),
      name: 'bot_paper',
      retiredName: 'bot_paper-atc-old-aaaaaaaaaaaa',
      image: 'atc-sim:1.0.0',
      imageId: 'sha256:aaa',
      inspectFile: '/tmp/x',
    })),
    deployRetireOld: track('retireOld', () => 'renamed, stopped'),
    deployStartNew: track('startNew', () => 'created, started'),
    deployWaitReady: track('waitReady', (r: { expectId?: string }) => ({
      ok: r.expectId ? true : (o.ready ?? true),
      detail: 'ready',
      waitedMs: 1,
    })),
    deployEvaluateGates: track('gates', (g: GateSpec[]) => {
      const pass = next(gates);
      return g.map((x) => ({ ...x, pass, values: [pass ? 1 : 20], detail: `${x.name}: ${pass ? 1 : 20}` }));
    }),
    deployRecordHistory: track('history', (r: DeploymentRecord) => (history.push(r), true)),
    deployRemoveOld: track('removeOld', () => 'removed old'),
    deployRestoreOld: track('restoreOld', () => 'removed new, renamed old back, started'),
    deploySetNewOrders: track(
      'setNewOrders',
      (r: { enabled: boolean }) => (
        newOrders.push(r.enabled),
        { newOrdersEnabled: r.enabled, openOrders: 0, mode: 'paper' }
      ),
    ),
    deployPreviousImage: track('previousImage', () => o.previous),
  } satisfies StubActivities<{ stubHaltCalled(service: string): Promise<void> }>;
  return { activities, calls, history, newOrders };
}

async function run(
  type: 'deploy' | 'rollback',
  input: unknown,
  w: ReturnType<typeof world>,
  drive: (h: WorkflowHandle) => Promise<void> = async () => undefined,
) {
  // a failed test must not leave a deploy running: the rig's preflight (one deploy per service) would see it
  const started = new Set<string>();
  return withWorker({ activities: w.activities, taskQueuePrefix: 'deploy-unit', started }, async (taskQueue) => {
    const handle = await client().workflow.start(type, {
      taskQueue,
      workflowId: `${type}-unit-${randomUUID()}`,
      args: [input],
    });
    started.add(handle.workflowId);
    await drive(handle);
    return { result: (await handle.result()) as DeployResult, handle };
  });
}

const paperBot = { environment: 'paper', service: 'bot_paper', image: 'atc-sim:1.1.0', requestedBy: 'alice' };
const liveBot = {
  environment: 'live',
  service: 'bot_live',
  image: 'atc-sim:1.1.0',
  requestedBy: 'alice',
  approvalTimeout: '1h',
};
const SWAP = ['recordOld', 'retireOld', 'startNew', 'restoreOld', 'removeOld'];
const swapCalls = (calls: string[]) => calls.filter((c) => SWAP.includes(c));

test('good bot deploy: halt first, then record/retire/start, verify over the window, history, old removed, orders restored', async () => {
  const w = world();
  const { result, handle } = await run('deploy', paperBot, w);
  expect(result.outcome).toBe('succeeded');
  expect(w.calls.filter((c) => c !== 'notify' && c !== 'checkFeed')).toEqual([
    'preflight',
    'plan',
    'botState',
    'botHalt',
    'waitOpenOrders',
    'recordOld',
    'retireOld',
    'startNew',
    'waitReady',
    'gates',
    'gates',
    'gates',
    'history',
    'removeOld',
    'setNewOrders',
  ]);
  expect(w.history).toMatchObject([
    { outcome: 'succeeded', from: { image: 'atc-sim:1.0.0' }, to: { image: 'atc-sim:1.1.0' }, requestedBy: 'alice' },
  ]);
  expect(w.newOrders).toEqual([true]);
  expect(result.bot).toMatchObject({ previousNewOrders: true, haltPath: 'halted', newOrdersAfter: true });
  await maybeRecordHistory(handle, 'deploy-succeeded');
});

test('preflight refusals name their rules; nothing is planned or changed', async () => {
  const refusals: Refusal[] = [
    { rule: 'no-critical-incident', detail: 'open critical incident(s) in paper: incident-x' },
  ];
  const w = world({ refusals, feed: ['FAIL'] });
  const { result, handle } = await run('deploy', paperBot, w);
  expect(result.outcome).toBe('refused');
  expect(result.refusals.map((r) => r.rule)).toEqual(['no-critical-incident', 'feed-before-bot']);
  expect(result.refusals[1]!.detail).toMatch(/feed FAIL: live_connector latency FAIL/);
  expect(w.calls).toEqual(['preflight', 'checkFeed']);
  await maybeRecordHistory(handle, 'deploy-refused');
});

test('dry run returns the plan and changes nothing', async () => {
  const w = world();
  const { result } = await run('deploy', { ...paperBot, dryRun: true }, w);
  expect(result.outcome).toBe('planned');
  expect(result.plan?.to.image).toBe('atc-sim:1.1.0');
  expect(result.plan?.carriedOver.env).toContain('DB_PASSWORD=<redacted>');
  expect(w.calls).toEqual(['preflight', 'checkFeed', 'plan']);
});

test('a gate failing during the analysis window rolls back automatically; the feed is faulty by then, so the bot stays halted', async () => {
  const w = world({ gates: [true, false], feed: ['OK', 'FAIL'] });
  const { result, handle } = await run('deploy', paperBot, w);
  expect(result.outcome).toBe('rolled-back');
  expect(result.rollback).toMatchObject({ restored: true });
  expect(result.rollback?.reason).toMatch(/gate failed at evaluation 2 .*bot drawdown: 20/);
  expect(swapCalls(w.calls)).toEqual(['recordOld', 'retireOld', 'startNew', 'restoreOld']);
  expect(w.history).toMatchObject([{ outcome: 'rolled-back' }]);
  expect(w.newOrders).toEqual([false]);
  await maybeRecordHistory(handle, 'deploy-rolledback');
});

test('a new container that never becomes ready is rolled back', async () => {
  const w = world({ ready: false, role: 'feed' });
  const { result } = await run('deploy', { ...paperBot, service: 'live_connector' }, w);
  expect(result.outcome).toBe('rolled-back');
  expect(result.rollback?.reason).toMatch(/new container not ready/);
  expect(w.calls).not.toContain('botHalt');
  expect(w.calls).not.toContain('gates');
});

test('a bot whose halt fails is not swapped', async () => {
  const w = world();
  const { result } = await run('deploy', { ...paperBot, service: 'bot_broken' }, w);
  expect(result.outcome).toBe('failed');
  expect(result.detail).toMatch(/bot halt before the swap failed, nothing swapped: .*NOT SAFE/);
  expect(swapCalls(w.calls)).toEqual([]);
});

test('live: self-approval and non-approvers are refused; another approver lets the deploy proceed', async () => {
  const w = world();
  const { result, handle } = await run('deploy', liveBot, w, async (h) => {
    expect(await waitingFor(h)).toMatch(
      /^approval by one of: bob, carol \(within 1 h\) — plan: bot_live: atc-sim:1.0.0/,
    );
    expect(w.calls).not.toContain('botHalt'); // nothing happens before the approval
    expect(await refusedUpdate(h.executeUpdate(approveUpdate, { args: [{ actor: 'alice' }] }))).toMatch(
      /alice requested this deploy and cannot approve it/,
    );
    expect(await refusedUpdate(h.executeUpdate(approveUpdate, { args: [{ actor: 'mallory' }] }))).toMatch(
      /mallory is not an allowed approver/,
    );
    await expect(h.executeUpdate(approveUpdate, { args: [{ actor: 'bob', comment: 'ok' }] })).resolves.toEqual({
      accepted: true,
      actor: 'bob',
    });
  });
  expect(result.outcome).toBe('succeeded');
  expect(result.approval).toMatchObject({ required: true, approvedBy: 'bob', comment: 'ok' });
  expect(w.history[0]?.approvedBy).toBe('bob');
  await maybeRecordHistory(handle, 'deploy-approved');
});

test('live: approval timeout (input may only shorten it) cancels with nothing changed', async () => {
  const w = world();
  const { result, handle } = await run('deploy', { ...liveBot, approvalTimeout: '2s' }, w);
  expect(result).toMatchObject({ outcome: 'cancelled', approval: { required: true, timedOut: true } });
  expect(result.detail).toMatch(/no approval within the timeout; nothing changed/);
  expect(w.calls).not.toContain('botHalt');
  expect(swapCalls(w.calls)).toEqual([]);
  await maybeRecordHistory(handle, 'deploy-timeout');
});

test('live: the requester may withdraw (reject); no requester → refused by four-eyes', async () => {
  const w = world();
  const { result } = await run('deploy', liveBot, w, async (h) => {
    await waitingFor(h);
    await h.executeUpdate(rejectUpdate, { args: [{ actor: 'alice', comment: 'wrong image' }] });
  });
  expect(result).toMatchObject({ outcome: 'cancelled', approval: { rejectedBy: 'alice', comment: 'wrong image' } });
  const anonymous = await run('deploy', { ...liveBot, requestedBy: undefined }, world());
  expect(anonymous.result.outcome).toBe('refused');
  expect(anonymous.result.refusals).toEqual([
    { rule: 'four-eyes', detail: 'requestedBy is required where an approval is needed' },
  ]);
});

test('rollback deploys the previous image from the history; without one it is refused by rule rollback-target', async () => {
  const w = world({ previous: { image: 'atc-sim:0.9.0', imageId: 'sha256:ccc' } });
  const { result, handle } = await run(
    'rollback',
    { environment: 'paper', service: 'bot_paper', requestedBy: 'alice' },
    w,
  );
  expect(result).toMatchObject({ runbook: 'rollback', image: 'atc-sim:0.9.0', outcome: 'succeeded' });
  expect(w.history[0]?.runbook).toBe('rollback');
  await maybeRecordHistory(handle, 'rollback-succeeded');
  const none = await run('rollback', { environment: 'paper', service: 'bot_paper' }, world());
  expect(none.result.outcome).toBe('refused');
  expect(none.result.refusals[0]?.rule).toBe('rollback-target');
  await maybeRecordHistory(none.handle, 'rollback-refused');
});

test('bad input from the Temporal UI fails at once with the reasons', async () => {
  const err = await run(
    'deploy',
    { environment: 'paper', service: 'Bot!', image: 'atc sim', pauseAfterStep: 'nope' },
    world(),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('BadInput');
  expect(cause.message).toMatch(/service/);
  expect(cause.message).toMatch(/image/);
  expect(cause.message).toMatch(/pauseAfterStep/);
});
