/**
 * The incident workflow's first-response actions and its cancellation, with stubbed activities (and a stub botHalt
 * child) on the rig's real Temporal dev server: one verified restart, a restarted bot halted again, compensations
 * on cancel, a halt under way that finishes anyway.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { outcomeKey } from '../../src/runbooks/shared/messages';
import { ackUpdate, alertsSignal, resolveUpdate, type IncidentResult } from '../../src/runbooks/incident/contract';
import { waitFor } from '../support/waitFor';
import { maybeRecordHistory } from './support/temporal';
import { alert, incidentHarness, note, resolvedCopy, settings, stubs, waitView } from './support/incidentHarness';
import type { StubHaltResult } from './support/incidentWorkflows';

const { client, withWorker, startFromWebhook } = incidentHarness();

test('container down: one restart, verified; not running → escalation, never a second restart', async () => {
  const { seen, activities } = stubs(settings(), {
    awaitContainerRunning: async () => ({ running: false, state: 'exited', health: 'none', waitedMs: 1000 }),
  });
  await withWorker(activities, async (tq) => {
    const first = note([alert('TargetDown', { service: 'live_connector' })]);
    const h = await startFromWebhook(tq, first);
    const v = await waitView(h, (x) => x.actions.some((a) => a.status === 'failed') && x.escalation.level === 1);
    expect(v.actions).toEqual([
      expect.objectContaining({ action: 'restart-container', target: 'live_connector', status: 'failed' }),
    ]);
    await h.signal(alertsSignal, note([{ ...first.alerts[0]!, startsAt: '2026-01-01T01:00:00Z' }])); // fires again
    await waitView(h, (x) => x.notifications.received === 2 && x.alerts.every((a) => a.planned));
    // once the workflow is idle (no workflow task, no activity pending), whatever it did about the re-fired alert is in
    // its history: no second restart among it
    const events = await waitFor('the incident idle after the re-fired alert', async () => {
      const all = (await h.fetchHistory()).events ?? [];
      const last = all.at(-1);
      const busy =
        !last ||
        last.workflowTaskScheduledEventAttributes ||
        last.workflowTaskStartedEventAttributes ||
        (await h.describe()).raw.pendingActivities?.length;
      return busy ? undefined : all;
    });
    expect(
      events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'restartContainerOnce'),
    ).toHaveLength(1);
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
    expect(seen.halts).toEqual([
      expect.objectContaining({ service: 'bot_paper', reason: expect.stringMatching(/container was restarted/) }),
    ]);
    await h.signal(alertsSignal, resolvedCopy(first));
    await h.executeUpdate(resolveUpdate, {
      args: [{ actor: 'alice', summary: 'bot crashed, restarted, halted; resume by hand' }],
    });
    expect(((await h.result()) as IncidentResult).actions).toHaveLength(2);
    await maybeRecordHistory(h, 'incident-restartBot');
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
    expect(seen.postmortems[0]!.timeline.map((t) => t.text)).toContainEqual(
      expect.stringMatching(/^closed: cancelled by request with 1 alert\(s\) still firing/),
    );
    expect(seen.notified.at(-1)!.title).toMatch(/closed: FeedStale/);
    const d = await h.describe();
    expect([d.status.name, d.typedSearchAttributes.get(outcomeKey)]).toEqual(['CANCELLED', 'cancelled']);
    await maybeRecordHistory(h, 'incident-cancelled');
  });
});

test('a halt already under way when the incident is cancelled still finishes (fail-safe); the incident ends cancelled', async () => {
  let haltStarted = false;
  let releaseHalt: () => void = () => undefined;
  const halted = new Promise<void>((resolve) => (releaseHalt = resolve));
  const { seen, activities } = stubs(settings(), {
    stubBotHalt: async (i: { service: string }): Promise<StubHaltResult> => {
      haltStarted = true;
      await halted; // a slow halt: it finishes only after the test has cancelled the incident
      seen.halts.push(i);
      return { service: i.service, path: 'halted', confirmed: true, detail: 'slow stub halted' };
    },
  });
  await withWorker(activities, async (tq) => {
    const h = await startFromWebhook(tq, note([alert('FeedStale')]));
    await waitFor('the halt under way', () => haltStarted, { timeoutMs: 5000 });
    expect(haltStarted).toBe(true);
    await h.cancel();
    releaseHalt();
    expect(((await h.result().catch((e: unknown) => e)) as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const child = client().workflow.getHandle(`${h.workflowId}-halt-bot_paper`);
    expect(await child.result()).toMatchObject({ service: 'bot_paper', path: 'halted' });
    expect(seen.halts.map((x) => x.service)).toEqual(['bot_paper']);
  });
});
