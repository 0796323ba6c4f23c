/**
 * The incident workflow with stubbed activities (and a stub botHalt child) on the rig's real Temporal dev server:
 * escalation timers, ack, resolve rules per severity, deduplication, continue-as-new, manual incidents.
 * Playbook actions and cancellation: incidentActions.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ackUpdate,
  alertsSignal,
  incidentQuery,
  noteUpdate,
  resolveUpdate,
  type IncidentInput,
  type IncidentResult,
} from '../../src/runbooks/incident/contract';
import { waitFor } from '../support/waitFor';
import { maybeRecordHistory } from './support/temporal';
import { alert, incidentHarness, note, resolvedCopy, settings, stubs, waitView } from './support/incidentHarness';

const { client, sleep, started, withWorker, startFromWebhook } = incidentHarness();

test('escalation timers fire while nobody acks; ack stops them; critical needs resolve after the alerts resolved', async () => {
  const { seen, activities } = stubs(
    settings({ escalationMs: { critical: [1000, 2500, 60_000], warning: [], info: [] } }),
  );
  await withWorker(activities, async (tq) => {
    const first = note([alert('FeedStale')]);
    const h = await startFromWebhook(tq, first);
    const v = await waitView(h, (x) => x.escalation.timersFired >= 2, 15_000);
    // the timer's count is recorded before its notify activity has run: wait for the notification itself
    await waitFor(
      'the escalation to lead notified',
      () => seen.notified.some((n) => /escalation to lead/.test(n.title)),
      { timeoutMs: 10_000 },
    );
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
    expect(result).toMatchObject({
      status: 'closed',
      severity: 'critical',
      ack: { actor: 'alice' },
      resolution: { actor: 'bob', text: 'feed restarted upstream' },
    });
    expect(result.escalation.timersFired).toBe(2);
    expect(seen.expired).toEqual(['sil-1']);
    expect(seen.halts.map((x) => x.service)).toEqual(['bot_paper']);
    const pm = seen.postmortems[0]!;
    expect(pm.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['open', 'alert', 'action', 'escalation', 'ack', 'silence', 'resolve', 'close']),
    );
    await maybeRecordHistory(h, 'incident-escalation');
  });
});

test('an ack before the first timer: no escalation at all', async () => {
  const { seen, activities } = stubs(
    settings({ escalationMs: { critical: [1500], warning: [], info: [] }, silenceOnAck: false }),
  );
  await withWorker(activities, async (tq) => {
    const first = note([alert('BotDrawdownBreach', { service: 'bot_paper' })]);
    const h = await startFromWebhook(tq, first);
    await h.executeUpdate(ackUpdate, { args: [{ actor: 'carol' }] });
    // a check that nothing happens: the cancelled 1.5 s timer's time must really pass (a dev server's clock)
    await sleep(2500);
    const v = await h.query(incidentQuery);
    expect(v.escalation.timersFired).toBe(0);
    expect(v.silence).toBeUndefined();
    expect(seen.notified.filter((n) => /escalation/.test(n.title))).toHaveLength(0);
    await expect(h.executeUpdate(ackUpdate, { args: [{ actor: 'mallory' }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    await h.executeUpdate(noteUpdate, { args: [{ actor: 'carol', text: 'drawdown from a bad fill' }] });
    await h.signal(alertsSignal, resolvedCopy(first));
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'carol', summary: 'fill corrected' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result.actions).toEqual([
      expect.objectContaining({ action: 'halt-bot', target: 'bot_paper', status: 'verified' }),
    ]);
    expect(result.notes).toBe(1);
    await maybeRecordHistory(h, 'incident-ack');
  });
});

test('a warning incident closes by itself when every alert has resolved', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const first = note([
      alert('FeedDataQualityGaps', { severity: 'warning' }),
      alert('FeedDataQualityGaps', { severity: 'warning', service: 'other' }),
    ]);
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
    const first = note([
      alert('FeedStale'),
      alert('FeedStale', { service: 'b' }),
      alert('FeedStale', { service: 'c' }),
    ]);
    const id = `incident-test-dedup-${randomUUID()}`;
    const handles = await Promise.all(Array.from({ length: 50 }, () => startFromWebhook(tq, first, id)));
    expect(new Set(handles.map((h) => h.signaledRunId)).size).toBe(1);
    const h = handles[0]!;
    const v = await waitView(
      h,
      (x) => x.notifications.received === 50 && x.actions.length > 0 && x.actions.every((a) => a.status !== 'running'),
    );
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
    const resolvedAll = note(
      v.alerts.map((a) => ({
        status: 'resolved' as const,
        fingerprint: a.fingerprint,
        startsAt: a.startsAt,
        endsAt: '2026-01-01T00:05:00Z',
        labels: a.labels,
        annotations: {},
      })),
    );
    await h.signal(alertsSignal, resolvedAll);
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'bob', summary: 'long incident' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result.runs).toBeGreaterThanOrEqual(2);
    expect(result.alertCount).toBe(31);
    expect(result.ack?.actor).toBe('alice');
    await maybeRecordHistory(h, 'incident-continued');
  });
});

test('manual incident: opened by hand, closes only on resolve; bad input fails at once', async () => {
  const { seen, activities } = stubs(settings());
  await withWorker(activities, async (tq) => {
    const input: IncidentInput = {
      source: 'manual',
      environment: 'paper',
      severity: 'warning',
      title: 'fills look wrong',
      requestedBy: 'dave',
    };
    const h = await client().workflow.start('incident', {
      taskQueue: tq,
      workflowId: `incident-test-manual-${randomUUID()}`,
      args: [input],
    });
    started.add(h.workflowId);
    const v = await waitView(h, (x) => x.timeline.some((e) => e.kind === 'notify'));
    expect(v.timeline[0]).toMatchObject({ kind: 'open', actor: 'dave' });
    await h.executeUpdate(resolveUpdate, { args: [{ actor: 'dave', summary: 'false alarm' }] });
    const result = (await h.result()) as IncidentResult;
    expect(result).toMatchObject({ source: 'manual', status: 'closed', resolution: { actor: 'dave' } });
    expect(seen.notified[0]!.title).toMatch(/opened \(warning\)/);
    await maybeRecordHistory(h, 'incident-manual');
    const bad = await client().workflow.start('incident', {
      taskQueue: tq,
      workflowId: `incident-test-bad-${randomUUID()}`,
      args: [{ source: 'manual', environment: 'paper', severity: 'huge' } as never],
    });
    await expect(bad.result()).rejects.toThrow();
  });
});
