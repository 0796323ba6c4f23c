/**
 * The incident's state and the pure functions that change it (no Temporal calls here, so they are easy to test).
 * Alerts are kept per fingerprint; a notification changes an alert only when it brings a new status for the same
 * firing episode (same startsAt) or a newer episode, so repeats, retries and HA duplicates change nothing.
 */
import type {
  ParsedNotification,
  AlertRecord,
  IncidentResult,
  IncidentStart,
  IncidentView,
  TimelineKind,
} from './contract';
import { severityOf, worseSeverity } from './contract';

export type IncidentState = IncidentView & { opened: boolean };

export function newIncidentState(id: string, start: IncidentStart, at: string): IncidentState {
  const manual = start.source === 'manual';
  return {
    id,
    source: start.source,
    title: manual ? start.title : `alert group ${start.groupKey.slice(0, 120)}`,
    environment: start.environment,
    severity: manual ? start.severity : 'info',
    services: [],
    groupKey: manual ? undefined : start.groupKey,
    groupLabels: manual ? {} : start.groupLabels,
    status: 'open',
    openedAt: at,
    alerts: [],
    actions: [],
    timeline: [],
    timelineDropped: 0,
    notes: 0,
    escalation: { level: 0, timersFired: 0 },
    notifications: { received: 0, duplicates: 0 },
    runs: 1,
    opened: false,
  };
}

/** Appends to the timeline; above the limit the oldest alert-notification entry is dropped (actions and humans stay). */
export function addTimeline(
  state: IncidentState,
  at: string,
  kind: TimelineKind,
  actor: string,
  text: string,
  limit: number,
): void {
  state.timeline.push({ at, kind, actor, text: text.length > 1000 ? `${text.slice(0, 997)}...` : text });
  while (state.timeline.length > limit) {
    const i = state.timeline.findIndex((e) => e.kind === 'alert');
    state.timeline.splice(i >= 0 ? i : 0, 1);
    state.timelineDropped++;
  }
}

export interface Applied {
  changed: AlertRecord[]; // new or changed alerts
  duplicates: number; // alerts that changed nothing
}

const describeAlert = (a: AlertRecord) => `${a.alertname}${a.service ? `{service=${a.service}}` : ''}`;

/** Applies one notification; the caller records the timeline entry. */
export function applyNotification(state: IncidentState, n: ParsedNotification, at: string): Applied {
  state.notifications.received++;
  const changed: AlertRecord[] = [];
  let duplicates = 0;
  for (const a of n.alerts) {
    const existing = state.alerts.find((r) => r.fingerprint === a.fingerprint);
    const record: AlertRecord = {
      fingerprint: a.fingerprint,
      alertname: a.labels.alertname ?? '(no alertname)',
      status: a.status,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      severity: severityOf(a.labels.severity),
      service: a.labels.service ?? a.labels.bot,
      labels: a.labels,
      summary: a.annotations.summary ?? a.annotations.description,
      firstSeenAt: at,
      resolvedSeenAt: a.status === 'resolved' ? at : undefined,
      planned: false,
    };
    if (!existing) {
      state.alerts.push(record);
      changed.push(record);
    } else if (existing.startsAt === a.startsAt) {
      if (existing.status === 'firing' && a.status === 'resolved') {
        Object.assign(existing, { status: 'resolved', endsAt: a.endsAt, resolvedSeenAt: at });
        changed.push(existing);
      } else duplicates++; // same status again, or a late firing copy of an episode already resolved
    } else if (Date.parse(a.startsAt) > Date.parse(existing.startsAt)) {
      Object.assign(existing, { ...record, firstSeenAt: existing.firstSeenAt }); // the same alert fires again: a new episode
      changed.push(existing);
    } else duplicates++; // an older episode arriving late
  }
  if (changed.length === 0) state.notifications.duplicates++;
  for (const r of changed) {
    if (r.status === 'firing') state.severity = worseSeverity(state.severity, r.severity);
    if (r.service && !state.services.includes(r.service)) state.services.push(r.service);
  }
  if (state.source === 'alertmanager' && state.title.startsWith('alert group ') && changed[0])
    state.title = titleOf(changed[0], state.environment);
  return { changed, duplicates };
}

function titleOf(a: AlertRecord, environment: string): string {
  return `${a.alertname}${a.service ? ` on ${a.service}` : ''} (${environment})${a.summary ? `: ${a.summary}` : ''}`.slice(
    0,
    200,
  );
}

/** One line per notification that changed something: what fired, what resolved. */
export function describeChanges(n: ParsedNotification, applied: Applied): string {
  const firing = applied.changed.filter((a) => a.status === 'firing');
  const resolved = applied.changed.filter((a) => a.status === 'resolved');
  const list = (as: AlertRecord[]) =>
    as.slice(0, 5).map(describeAlert).join(', ') + (as.length > 5 ? ` +${as.length - 5} more` : '');
  const parts = [];
  if (firing.length) parts.push(`${firing.length} firing: ${list(firing)}`);
  if (resolved.length) parts.push(`${resolved.length} resolved: ${list(resolved)}`);
  if (applied.duplicates) parts.push(`${applied.duplicates} already recorded`);
  return `notification (${n.status}, ${n.alerts.length} alert${n.alerts.length === 1 ? '' : 's'}): ${parts.join('; ')}`;
}

export const firingCount = (s: IncidentState): number => s.alerts.filter((a) => a.status === 'firing').length;
export const needsHumanResolve = (s: IncidentState): boolean => s.source === 'manual' || s.severity === 'critical';

export function toResult(s: IncidentState): IncidentResult {
  const { timeline, alerts, opened: _opened, ...rest } = s;
  return { ...rest, alertCount: alerts.length, firing: firingCount(s), timelineLength: timeline.length };
}

export function toView(s: IncidentState): IncidentView {
  const { opened: _opened, ...view } = s;
  return view;
}
