/**
 * The incident workflow with stubbed activities (and a stub botHalt child) on the rig's real Temporal dev server:
 * escalation timers, ack, resolve rules per severity, deduplication, playbook actions, continue-as-new.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { outcomeKey } from '../../src/workflows/messages';
import type { IncidentSettings } from '../../src/activities/incidents';
import { planActions } from '../../src/activities/playbookPlan';
import { parseConfig } from '../../src/config';
import type { Notification } from '../../src/integrations/notifier';
import {
  ackUpdate, alertsSignal, incidentQuery, noteUpdate, resolveUpdate,
  type AlertNotification, type IncidentInput, type IncidentResult, type IncidentView,
} from '../../src/workflows/incidentMessages';
import { bundleTestWorkflows, connectTestEnv, maybeRecordHistory, withTestWorker, type TemporalTestEnv } from '../support/temporal';
import type { StubHaltResult } from './support/incidentWorkflows';

let env: TemporalTestEnv;
let code: string;
beforeAll(async () => {
  env = await connectTestEnv();
  code = await bundleTestWorkflows(require.resolve('./support/incidentWorkflows'));
});
afterAll(async () => env?.close());

const config = parseConfig({
  services: [
    { name: 'live_connector', role: 'feed', environments: ['paper'], container: 'live_connector' },
    { name: 'bot_paper', role: 'bot', environments: ['paper'], container: 'bot_paper', controlUrl: 'http://127.0.0.1:1' },
  ],
});

function settings(over: Partial<IncidentSettings> = {}): IncidentSettings {
  return {
    escalationMs: { critical: [60_000], warning: [60_000], info: [] },
    levels: ['primary', 'secondary', 'lead'],
    silenceOnAck: true,
    silenceDurationMs: 3_600_000,
    restartVerifyTimeoutMs: 1000,
    waitForFirstAlertMs: 10_000,
    continueAsNewAfterEvents: 10_000,
    timelineLimit: 2000,
    ...over,
  };
}

function stubs(s: IncidentSettings, over: Record<string, unknown> = {}) {
  const seen = { notified: [] as Notification[], halts: [] as { service: string; reason?: string }[], silences: [] as string[], expired: [] as string[], postmortems: [] as IncidentView[], restarts: [] as string[] };
  const activities = {
    incidentSettings: async () => s,
    planIncidentActions: async (environment: string, alerts: Parameters<typeof planActions>[2]) => planActions(config, environment, alerts),
    notifyIncident: async (n: Notification) => void seen.notified.push(n),
    restartContainerOnce: async (c: string) => (seen.restarts.push(c), { restarted: true, detail: 'started (it was exited)' }),
    awaitContainerRunning: async () => ({ running: true, state: 'running', health: 'healthy', waitedMs: 5 }),
    createIncidentSilence: async (id: string) => (seen.silences.push(id), { silenceId: `sil-${seen.silences.length}`, reused: false }),
    expireIncidentSilence: async (id: string) => void seen.expired.push(id),
    writePostmortem: async (v: IncidentView) => (seen.postmortems.push(v), `/tmp/postmortems/${v.id}.md`),
    recordIncidentMetric: async () => undefined,
    stubBotHalt: async (i: { service: string; reason?: string }): Promise<StubHaltResult> => (seen.halts.push(i), { service: i.service, path: 'halted', confirmed: true, detail: 'stub halted' }),
    ...over,
  };
  return { seen, activities };
}

// never leave an open incident behind: other runbooks refuse to act while a critical one is open
const started = new Set<string>(); // the incidents the current worker's test started
function withWorker<T>(activities: object, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  return withTestWorker(env, { code, activities, taskQueuePrefix: 'incident-test', started }, fn);
}

let fp = 0;
function alert(alertname: string, over: { status?: 'firing' | 'resolved'; severity?: string; service?: string; fingerprint?: string; startsAt?: string } = {}) {
  return {
    status: over.status ?? 'firing',
    fingerprint: over.fingerprint ?? `fp${++fp}`,
    startsAt: over.startsAt ?? '2026-01-01T00:00:00Z',
    endsAt: over.status === 'resolved' ? '2026-01-01T00:05:00Z' : '0001-01-01T00:00:00Z',
    labels: { alertname, environment: 'paper', severity: over.severity ?? 'critical', service: over.service ?? 'live_connector' },
    annotations: { summary: `${alertname} summary` },
  };
}
const note = (alerts: AlertNotification['alerts'], groupKey = 'g'): AlertNotification => ({ receivedAt: new Date().toISOString(), status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', groupKey, alerts });
const resolvedCopy = (n: AlertNotification): AlertNotification => note(n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2026-01-01T00:05:00Z' })), n.groupKey);

function startFromWebhook(taskQueue: string, n: AlertNotification, id = `incident-test-${randomUUID()}`): Promise<WorkflowHandleWithSignaledRunId> {
  const input: IncidentInput = { source: 'alertmanager', environment: 'paper', groupKey: n.groupKey, groupLabels: { alertname: n.alerts[0]!.labels.alertname!, environment: 'paper' } };
  started.add(id);
  return env.client.workflow.signalWithStart('incident', { taskQueue, workflowId: id, args: [input], signal: alertsSignal, signalArgs: [n] });
}

async function waitView(h: WorkflowHandle, pred: (v: IncidentView) => boolean, timeoutMs = 20_000): Promise<IncidentView> {
  const deadline = Date.now() + timeoutMs;
  let last: IncidentView | undefined;
  while (Date.now() < deadline) {
    last = await h.query(incidentQuery).catch(() => undefined);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not reached; last view: ${JSON.stringify(last?.timeline ?? null)}`);
}

test('escalation timers fire while nobody acks; ack stops them; critical needs resolve after the alerts resolved', async () => {
  const { seen, activities } = stubs(settings({ escalationMs: { critical: [1000, 2500, 60_000], warning: [], info: [] } }));
  await withWorker(activities, async (tq) => {
    const first = note([alert('FeedStale')]);
    const h = await startFromWebhook(tq, first);
    const v = await waitView(h, (x) => x.escalation.timersFired >= 2, 15_000);
    // the timer's count is recorded before its notify activity has run: wait for the notification itself
    for (let i = 0; i < 100 && !seen.notified.some((n) => /escalation to lead/.test(n.title)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(v.escalation.level).toBe(2);
    expect(seen.notified.filter((n) => /escalation to secondary/.test(n.title))).toHaveLength(1);
    expect(seen.notified.filter((n) => /escalation to lead/.test(n.title))).toHaveLength(1);
    const ack = await h.executeUpdate(ackUpdate, { args: [{ actor: 'alice', comment: 'looking' }] });
    expect(ack).toMatchObject({ actor: 'alice', silenceId: 'sil-1' });
    await h.signal(alertsSignal, resolvedCopy(first));
    const open = await waitView(h, (x) => x.alerts.every((a) => a.status === 'resolved'));
    expect(open.status).toBe('acknowledged'); // critical: resolved alerts are not enough
    const r = await h.executeUpdate(resolveUpdate, { args: [{ actor: 'bob', summary: 'feed restarted upstream' }] });
    expect(r.closesWhen).toBe('now');
    const result = (await h.result()) as IncidentResult;
    expect(result).toMatchObject({ status: 'closed', severity: 'critical', ack: { actor: 'alice' }, resolution: { actor: 'bob', text: 'feed restarted upstream' } });
    expect(result.escalation.timersFired).toBe(2);
    expect(seen.expired).toEqual(['sil-1']);
    expect(seen.halts.map((x) => x.service)).toEqual(['bot_paper']);
    const pm = seen.postmortems[0]!;
    expect(pm.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['open', 'alert', 'action', 'escalation', 'ack', 'silence', 'resolve', 'close']));
    await maybeRecordHistory(h, 'incident-escalation');
  });
});

test('an ack before the first timer: no escalation at all', async () => {
  const { seen, activities } = stubs(settings({ escalationMs: { critical: [1500], warning: [], info: [] }, silenceOnAck: false }));
  await withWorker(activities, async (tq) => {
    const first = note([alert('BotDrawdownBreach', { service: 'bot_paper' })]);
    const h = await startFromWebhook(tq, first);
    await h.executeUpdate(ackUpdate, { args: [{ actor: 'carol' }] });
    await new Promise((r) => setTimeout(r, 2500));
    const v = await h.query(incidentQuery);
    expect(v.escalation.timersFired).toBe(0);
    expect(v.silence).toBeUndefined();
    expect(seen.notified.filter((n) => /escalation/.test(n.title))).toHaveLength(0);
    await expect(h.executeUpdate(ackUpdate, { args: [{ actor: 'mallory' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await h.executeUpdate(noteUpdate, { args: [{ actor: 'carol', text: 'drawdown from a bad fill' }] });
    await h.signal(alertsSignal, resolvedCopy(first));
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'carol', summary: 'fill corrected' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result.actions).toEqual([expect.objectContaining({ action: 'halt-bot', target: 'bot_paper', status: 'verified' })]);
    expect(result.notes).toBe(1);
    await maybeRecordHistory(h, 'incident-ack');
  });
});

test('a warning incident closes by itself when every alert has resolved', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const first = note([alert('FeedDataQualityGaps', { severity: 'warning' }), alert('FeedDataQualityGaps', { severity: 'warning', service: 'other' })]);
    const h = await startFromWebhook(tq, first);
    await waitView(h, (x) => x.actions.length > 0 && x.actions.every((a) => a.status !== 'running'));
    await h.signal(alertsSignal, resolvedCopy(note([first.alerts[0]!])));
    const half = await waitView(h, (x) => x.alerts.filter((a) => a.status === 'resolved').length === 1);
    expect(half.status).toBe('open');
    await h.signal(alertsSignal, resolvedCopy(first));
    const result = (await h.result()) as IncidentResult;
    expect(result).toMatchObject({ status: 'closed', severity: 'warning', firing: 0, alertCount: 2 });
    expect(result.resolution).toBeUndefined();
    expect(seen.postmortems).toHaveLength(1);
    await maybeRecordHistory(h, 'incident-warning');
  });
});

test('the same notification 50 times (and late copies): every alert recorded once', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const first = note([alert('FeedStale'), alert('FeedStale', { service: 'b' }), alert('FeedStale', { service: 'c' })]);
    const id = `incident-test-dedup-${randomUUID()}`;
    const handles = await Promise.all(Array.from({ length: 50 }, () => startFromWebhook(tq, first, id)));
    expect(new Set(handles.map((h) => h.signaledRunId)).size).toBe(1);
    const h = handles[0]!;
    const v = await waitView(h, (x) => x.notifications.received === 50 && x.actions.length > 0 && x.actions.every((a) => a.status !== 'running'));
    expect(v.alerts).toHaveLength(3);
    expect(v.notifications.duplicates).toBe(49);
    expect(v.timeline.filter((e) => e.kind === 'alert')).toHaveLength(1);
    expect(seen.halts).toHaveLength(1); // the playbook ran once
    await h.signal(alertsSignal, { batch: [first, first] }); // what the webhook sends when it coalesced two notifications
    await waitView(h, (x) => x.notifications.received === 52 && x.notifications.duplicates === 51);
    await h.signal(alertsSignal, resolvedCopy(first));
    await h.signal(alertsSignal, first); // a late firing copy of the same episode does not reopen the alerts
    await h.signal(alertsSignal, resolvedCopy(first));
    const after = await waitView(h, (x) => x.notifications.received === 55);
    expect(after.alerts.every((a) => a.status === 'resolved')).toBe(true);
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'alice', summary: 'dedup test' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result.alertCount).toBe(3);
    await maybeRecordHistory(h, 'incident-dedup');
  });
});

test('continue-as-new keeps alerts, actions, ack and timeline', async () => {
  const { activities } = stubs(settings({ continueAsNewAfterEvents: 40 }));
  await withWorker(activities, async (tq) => {
    const first = note([alert('FeedStale')]);
    const h = await startFromWebhook(tq, first);
    await waitView(h, (x) => x.actions.some((a) => a.status === 'verified'));
    await h.executeUpdate(ackUpdate, { args: [{ actor: 'alice' }] });
    for (let i = 0; i < 30; i++) await h.signal(alertsSignal, note([alert('FeedStale', { service: `svc${i}` })]));
    const v = await waitView(h, (x) => x.runs >= 2 && x.alerts.length === 31);
    expect(v.ack?.actor).toBe('alice');
    expect(v.actions.filter((a) => a.action === 'halt-bot')).toHaveLength(1);
    expect(v.timeline.some((e) => /continued as new/.test(e.text))).toBe(true);
    expect(v.timeline.slice(0, 2).map((e) => e.kind)).toEqual(['alert', 'open']);
    const resolvedAll = note(v.alerts.map((a) => ({ status: 'resolved' as const, fingerprint: a.fingerprint, startsAt: a.startsAt, endsAt: '2026-01-01T00:05:00Z', labels: a.labels, annotations: {} })));
    await h.signal(alertsSignal, resolvedAll);
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'bob', summary: 'long incident' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result.runs).toBeGreaterThanOrEqual(2);
    expect(result.alertCount).toBe(31);
    expect(result.ack?.actor).toBe('alice');
    await maybeRecordHistory(h, 'incident-continued');
  });
});

test('container down: one restart, verified; not running → escalation, never a second restart', async () => {
  const { seen, activities } = stubs(settings(), { awaitContainerRunning: async () => ({ running: false, state: 'exited', health: 'none', waitedMs: 1000 }) });
  await withWorker(activities, async (tq) => {
    const first = note([alert('TargetDown', { service: 'live_connector' })]);
    const h = await startFromWebhook(tq, first);
    const v = await waitView(h, (x) => x.actions.some((a) => a.status === 'failed') && x.escalation.level === 1);
    expect(v.actions).toEqual([expect.objectContaining({ action: 'restart-container', target: 'live_connector', status: 'failed' })]);
    await h.signal(alertsSignal, note([{ ...first.alerts[0]!, startsAt: '2026-01-01T01:00:00Z' }])); // fires again
    await waitView(h, (x) => x.notifications.received === 2 && x.alerts.every((a) => a.planned));
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.restarts).toEqual(['live_connector']);
    expect(seen.notified.some((n) => /failed/.test(n.text) && n.severity === 'critical')).toBe(true);
    await h.terminate('test done');
  });
});

test('a bot container down: restarted once, verified running, then halted again (the incident never resumes a bot)', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const first = note([alert('TargetDown', { service: 'bot_paper' })]);
    const h = await startFromWebhook(tq, first);
    const v = await waitView(h, (x) => x.actions.length === 2 && x.actions.every((a) => a.status !== 'running'));
    expect(v.actions.map((a) => [a.action, a.target, a.status])).toEqual([
      ['restart-container', 'bot_paper', 'verified'],
      ['halt-bot', 'bot_paper', 'verified'],
    ]);
    expect(seen.restarts).toEqual(['bot_paper']);
    expect(seen.halts).toEqual([expect.objectContaining({ service: 'bot_paper', reason: expect.stringMatching(/container was restarted/) })]);
    await h.signal(alertsSignal, resolvedCopy(first));
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'alice', summary: 'bot crashed, restarted, halted; resume by hand' }] });
    expect(((await h.result()) as IncidentResult).actions).toHaveLength(2);
    await maybeRecordHistory(h, 'incident-restartBot');
  });
});

test('manual incident: opened by hand, closes only on resolve; bad input fails at once', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const input: IncidentInput = { source: 'manual', environment: 'paper', severity: 'warning', title: 'fills look wrong', requestedBy: 'dave' };
    const h = await env.client.workflow.start('incident', { taskQueue: tq, workflowId: `incident-test-manual-${randomUUID()}`, args: [input] });
    started.add(h.workflowId);
    const v = await waitView(h, (x) => x.timeline.some((e) => e.kind === 'notify'));
    expect(v.timeline[0]).toMatchObject({ kind: 'open', actor: 'dave' });
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'dave', summary: 'false alarm' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result).toMatchObject({ source: 'manual', status: 'closed', resolution: { actor: 'dave' } });
    expect(seen.notified[0]!.title).toMatch(/opened \(warning\)/);
    await maybeRecordHistory(h, 'incident-manual');
    const bad = await env.client.workflow.start('incident', { taskQueue: tq, workflowId: `incident-test-bad-${randomUUID()}`, args: [{ source: 'manual', environment: 'paper', severity: 'huge' } as never] });
    await expect(bad.result()).rejects.toThrow();
  });
});

test('cancelled (atc cancel, the UI): closes with its compensations — silence expired, postmortem, on-call told — and ends cancelled', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const h = await startFromWebhook(tq, note([alert('FeedStale')]));
    await h.executeUpdate(ackUpdate, { args: [{ actor: 'alice' }] });
    await waitView(h, (v) => Boolean(v.silence) && v.actions.every((a) => a.status !== 'running'));
    await h.cancel();
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(seen.expired).toEqual(['sil-1']);
    expect(seen.postmortems).toHaveLength(1);
    expect(seen.postmortems[0]!.timeline.map((t) => t.text)).toContainEqual(expect.stringMatching(/^closed: cancelled by request with 1 alert\(s\) still firing/));
    expect(seen.notified.at(-1)!.title).toMatch(/closed: FeedStale/);
    const d = await h.describe();
    expect([d.status.name, d.typedSearchAttributes.get(outcomeKey)]).toEqual(['CANCELLED', 'cancelled']);
    await maybeRecordHistory(h, 'incident-cancelled');
  });
});

test('a halt already under way when the incident is cancelled still finishes (fail-safe); the incident ends cancelled', async () => {
  let haltStarted = false;
  const { seen, activities } = stubs(settings(), {
    stubBotHalt: async (i: { service: string }): Promise<StubHaltResult> => {
      haltStarted = true;
      await new Promise((r) => setTimeout(r, 1500));
      seen.halts.push(i);
      return { service: i.service, path: 'halted', confirmed: true, detail: 'slow stub halted' };
    },
  });
  await withWorker(activities, async (tq) => {
    const h = await startFromWebhook(tq, note([alert('FeedStale')]));
    for (let i = 0; i < 100 && !haltStarted; i++) await new Promise((r) => setTimeout(r, 50));
    expect(haltStarted).toBe(true);
    await h.cancel();
    expect(((await h.result().catch((e: unknown) => e)) as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const child = env.client.workflow.getHandle(`${h.workflowId}-halt-bot_paper`);
    expect(await child.result()).toMatchObject({ service: 'bot_paper', path: 'halted' });
    expect(seen.halts.map((x) => x.service)).toEqual(['bot_paper']);
  });
});
