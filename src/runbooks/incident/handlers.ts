/** Signal, query and update handlers of the incident: alert notifications, the view, ack / note / resolve (actor recorded). */
import { setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { describeIssues } from '../shared/names';
import { progressQuery, type Progress, type StepStatus } from '../shared/messages';
import {
  ackInput,
  ackUpdate,
  alertsPayload,
  alertsSignal,
  incidentQuery,
  noteInput,
  noteUpdate,
  resolveInput,
  resolveUpdate,
  type AckResult,
} from './contract';
import { failureText } from '../shared/failures';
import { act, nowIso, type IncidentRuntime } from './runtime';
import {
  applyNotification,
  describeChanges,
  firingCount,
  needsHumanResolve,
  toView,
  type IncidentState,
} from './state';

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) throw new Error(`invalid input: ${describeIssues(r.error)}`);
  return r.data;
}

/** Matchers of the group's silence: the group labels, else the labels every alert of the incident shares. */
export function silenceMatchers(s: IncidentState): Record<string, string> {
  if (Object.keys(s.groupLabels).length) return s.groupLabels;
  const [first, ...rest] = s.alerts;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.labels).filter(
      ([k, v]) => ['alertname', 'environment', 'service', 'job'].includes(k) && rest.every((a) => a.labels[k] === v),
    ),
  );
}

export function progressOf(s: IncidentState): Progress {
  const steps = s.timeline.map((e, i) => ({
    name: `#${i + 1 + s.timelineDropped} ${e.at} ${e.kind}`,
    status: (e.kind === 'action' && / FAILED/.test(e.text) ? 'failed' : 'ok') as StepStatus,
    at: e.at,
    detail: `${e.actor}: ${e.text}`,
  }));
  const firing = firingCount(s);
  let waitingFor: string | undefined;
  if (s.status !== 'closed') {
    if (!s.ack && !s.resolution) waitingFor = `an acknowledgement: atc ack ${s.id} --as <who>`;
    else if (needsHumanResolve(s) && !s.resolution)
      waitingFor = `a resolution: atc resolve ${s.id} --as <who> --summary <text>`;
    else if (firing > 0) waitingFor = `${firing} firing alert(s) to resolve`;
  }
  return { runbook: 'incident', steps, waitingFor, done: s.status === 'closed' };
}

export function installHandlers(rt: IncidentRuntime): void {
  const s = rt.state;
  setHandler(alertsSignal, (raw) => {
    const r = alertsPayload.safeParse(raw);
    if (!r.success)
      return rt.record('info', 'atc-ops', `ignored a malformed alerts signal: ${describeIssues(r.error)}`);
    for (const n of 'batch' in r.data ? r.data.batch : [r.data]) {
      const applied = applyNotification(s, n, nowIso());
      if (applied.changed.length) rt.record('alert', 'alertmanager', describeChanges(n, applied));
    }
    if (s.opened) rt.tagSeverity();
  });
  setHandler(incidentQuery, () => toView(s));
  setHandler(progressQuery, () => progressOf(s));

  const open = () => {
    if (s.status === 'closed' || rt.closing) throw new Error(`incident ${s.id} is closed`);
  };
  setHandler(
    ackUpdate,
    async (raw): Promise<AckResult> => {
      const input = parse(ackInput, raw);
      if (s.ack)
        return {
          actor: s.ack.actor,
          at: s.ack.at,
          silenceId: s.silence?.id,
          detail: 'already acknowledged (no change)',
        };
      s.ack = { actor: input.actor, at: nowIso(), text: input.comment };
      s.status = 'acknowledged';
      rt.record('ack', input.actor, `acknowledged${input.comment ? `: ${input.comment}` : ''}; escalation stopped`);
      let detail = 'acknowledged; escalation stopped';
      const matchers = silenceMatchers(s);
      const settings = await rt.ready();
      if (settings.silenceOnAck && s.source === 'alertmanager' && Object.keys(matchers).length) {
        try {
          const r = await act.createIncidentSilence(s.id, matchers, input.actor, settings.silenceDurationMs);
          s.silence = { id: r.silenceId, createdAt: nowIso() };
          const what = Object.entries(matchers)
            .map(([k, v]) => `${k}="${v}"`)
            .join(', ');
          rt.record(
            'silence',
            'atc-ops',
            `Alertmanager silence ${r.silenceId} ${r.reused ? 'found' : 'created'} for {${what}}`,
          );
          detail += `; silence ${r.silenceId}`;
        } catch (err) {
          rt.record('info', 'atc-ops', `silence could not be created: ${failureText(err)}`);
          detail += `; silence failed: ${failureText(err)}`;
        }
      }
      return { actor: input.actor, at: s.ack.at, silenceId: s.silence?.id, detail };
    },
    {
      validator: (raw) => {
        const input = parse(ackInput, raw);
        open();
        if (s.ack && s.ack.actor !== input.actor)
          throw new Error(`already acknowledged by ${s.ack.actor} at ${s.ack.at}`);
      },
    },
  );
  setHandler(
    noteUpdate,
    (raw) => {
      const input = parse(noteInput, raw);
      s.notes++;
      rt.record('note', input.actor, input.text);
      return { recorded: true as const };
    },
    { validator: (raw) => void (parse(noteInput, raw), open()) },
  );
  setHandler(
    resolveUpdate,
    (raw) => {
      const input = parse(resolveInput, raw);
      if (!s.resolution) {
        s.resolution = { actor: input.actor, at: nowIso(), text: input.summary };
        rt.record('resolve', input.actor, `resolved: ${input.summary}`);
      }
      const firing = firingCount(s);
      return {
        actor: s.resolution.actor,
        closesWhen: firing ? `all alerts have resolved (${firing} still firing)` : 'now',
      };
    },
    {
      validator: (raw) => {
        const input = parse(resolveInput, raw);
        open();
        if (s.resolution && s.resolution.actor !== input.actor)
          throw new Error(`already resolved by ${s.resolution.actor} at ${s.resolution.at}`);
      },
    },
  );
}
