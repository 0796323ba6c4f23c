/**
 * incident: one per Alertmanager alert group and environment (or opened by hand).
 * Steps: record every alert notification (deduplicated) → open: notify on-call, run the first-response playbook for
 * newly firing alerts (each action verified; a failure escalates) → escalation timers until ack → ack (+ silence the
 * group) → close when every alert resolved and, for critical or manual incidents, a human resolved it with a summary.
 * Compensations on close, and on cancellation (`atc cancel`, the UI): the silence is expired, the postmortem written,
 * on-call told. Never resumes bots. Long incidents continue as new with their state.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  workflowInfo,
} from '@temporalio/workflow';
import type { IncidentSettings } from './activities';
import { setOutcome, tagExecution, validateInput } from '../shared/steps';
import { installHandlers } from './handlers';
import { incidentInput, type IncidentInput, type IncidentResult } from './contract';
import { failureText } from '../shared/failures';
import { playbookLoop } from './playbook';
import { act, IncidentRuntime, local, nowIso } from './runtime';
import { firingCount, needsHumanResolve, newIncidentState, toResult, toView, type IncidentState } from './state';

export interface IncidentCarry {
  state: IncidentState;
  settings: IncidentSettings;
}

export async function incident(raw: IncidentInput, carried?: IncidentCarry): Promise<IncidentResult> {
  const start = validateInput(incidentInput, raw);
  tagExecution('incident', start.environment);
  const state = carried?.state ?? newIncidentState(workflowInfo().workflowId, start, nowIso());
  if (carried) state.runs++;
  const rt = new IncidentRuntime(state, carried?.settings);
  installHandlers(rt); // before the first await: an ack or signal in the first activation finds its handler
  const settings = carried?.settings ?? rt.loaded(await local.incidentSettings());

  if (state.source === 'alertmanager' && state.alerts.length === 0) {
    if (!(await condition(() => state.alerts.length > 0, settings.waitForFirstAlertMs))) {
      rt.record('close', 'atc-ops', 'closed: no alert arrived for this group');
      Object.assign(state, { status: 'closed', closedAt: nowIso() });
      setOutcome('cancelled');
      return toResult(state);
    }
  }
  const playbook = background(playbookLoop(rt));
  try {
    if (!state.opened) await open(rt, start.source === 'manual' ? start : undefined);
    rt.tagSeverity();
    tagExecution('incident', state.environment, state.services[0]);
    void background(rt.escalationLoop());

    const closeable = () =>
      state.opened &&
      rt.busy === 0 &&
      firingCount(state) === 0 &&
      (!needsHumanResolve(state) || Boolean(state.resolution));
    await condition(() => closeable() || rt.shouldContinueAsNew());
    if (!closeable()) {
      rt.draining = true;
      await playbook;
      await condition(allHandlersFinished);
      rt.record(
        'info',
        'atc-ops',
        `continued as new (run ${state.runs + 1}) after ${workflowInfo().historyLength} history events`,
      );
      return continueAsNew<typeof incident>(raw, { state, settings });
    }
    rt.closing = true;
    await playbook;
    await condition(allHandlersFinished);
    return await CancellationScope.nonCancellable(() => close(rt)); // a cancel arriving now must not cut the close short
  } catch (err) {
    if (!isCancellation(err) || state.status === 'closed') throw err;
    // Cancelled by a person: close with the compensations, out of reach of the cancellation, then end as cancelled.
    rt.closing = true;
    await CancellationScope.nonCancellable(() =>
      close(rt, `cancelled by request with ${firingCount(state)} alert(s) still firing`),
    );
    throw err;
  }
}

/** A fiber beside the main flow: a cancellation ends it quietly (the main flow handles it); any other error surfaces. */
async function background(fiber: Promise<void>): Promise<void> {
  try {
    await fiber;
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
}

async function open(rt: IncidentRuntime, manual?: { requestedBy?: string; summary?: string }): Promise<void> {
  const s = rt.state;
  s.opened = true;
  const actor = manual ? (manual.requestedBy ?? 'unknown') : 'alertmanager';
  rt.record('open', actor, `opened (${s.severity}): ${s.title}${manual?.summary ? ` — ${manual.summary}` : ''}`);
  const how = `Acknowledge: atc ack ${s.id} --as <who>. Timeline: atc show ${s.id}`;
  if (await rt.notify(`opened (${s.severity}) for ${rt.level(0)}: ${s.title}`, how))
    rt.record('notify', 'atc-ops', `${rt.level(0)} notified`);
  await act.recordIncidentMetric('opened', s.environment, s.severity).catch(() => undefined);
}

async function close(rt: IncidentRuntime, cancelled?: string): Promise<IncidentResult> {
  const s = rt.state;
  Object.assign(s, { status: 'closed', closedAt: nowIso() });
  const by =
    cancelled ?? (s.resolution ? `resolved by ${s.resolution.actor}: ${s.resolution.text}` : 'every alert resolved');
  rt.record('close', s.resolution?.actor ?? 'atc-ops', `closed: ${by}`);
  if (s.silence && !s.silence.expiredAt) {
    try {
      await act.expireIncidentSilence(s.silence.id);
      s.silence.expiredAt = nowIso();
      rt.record('silence', 'atc-ops', `Alertmanager silence ${s.silence.id} expired`);
    } catch (err) {
      rt.record('info', 'atc-ops', `silence ${s.silence.id} could not be expired: ${failureText(err)}`);
    }
  }
  try {
    s.postmortemPath = await act.writePostmortem(toView(s));
  } catch (err) {
    rt.record('info', 'atc-ops', `postmortem could not be written: ${failureText(err)}`);
  }
  await rt.notify(`closed: ${s.title}`, `${by}. Postmortem: ${s.postmortemPath ?? 'not written'}`);
  await act.recordIncidentMetric('closed', s.environment, s.severity).catch(() => undefined);
  setOutcome(cancelled ? 'cancelled' : s.actions.some((a) => a.status === 'failed') ? 'failed' : 'succeeded');
  return toResult(s);
}
