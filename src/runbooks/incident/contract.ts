/** The incident runbook's input, signal, query and updates, shared by the workflow, the webhook and the CLI. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { actorName, environmentName } from '../shared/names';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const labels = z.record(z.string(), z.string());

/** One alert of an Alertmanager notification, as the webhook passes it on (only the fields the incident uses). */
export const incidentAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  fingerprint: z.string().min(1).max(128),
  startsAt: z.string().min(1).max(64),
  endsAt: z.string().max(64).default(''),
  labels,
  annotations: labels.default({}),
});
export type IncidentAlert = z.output<typeof incidentAlert>;

/** What the `alerts` signal carries: the alerts of one notification for one environment (checked again in the workflow). */
export const alertNotification = z.object({
  receivedAt: z.string().max(64), // when the webhook accepted it (ISO)
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string().max(4096),
  alerts: z.array(incidentAlert).min(1).max(20_000),
});
export type AlertNotification = z.input<typeof alertNotification>;
export type ParsedNotification = z.output<typeof alertNotification>;
/** Several notifications of one group that arrived while a signal to the incident was in flight (the webhook coalesces them). */
export const alertBatch = z.object({ batch: z.array(alertNotification).min(1).max(10_000) });
export type AlertBatch = z.input<typeof alertBatch>;
export const alertsPayload = z.union([alertNotification, alertBatch]);

const alertmanagerSource = z
  .object({
    source: z.literal('alertmanager'),
    environment: environmentName,
    groupKey: z.string().min(1).max(4096),
    groupLabels: labels.default({}),
    externalURL: z.string().max(2048).optional(),
  })
  .strict();
const manualSource = z
  .object({
    source: z.literal('manual'),
    environment: environmentName,
    severity: z.enum(SEVERITIES),
    title: z.string().trim().min(1, 'a title is required').max(200),
    summary: z.string().trim().max(2000).optional(),
    requestedBy: actorName.optional(),
  })
  .strict();
export const incidentInput = z.discriminatedUnion('source', [alertmanagerSource, manualSource]);
export type IncidentInput = z.input<typeof incidentInput>;
export type IncidentStart = z.output<typeof incidentInput>;

export type TimelineKind =
  | 'open'
  | 'alert'
  | 'severity'
  | 'action'
  | 'notify'
  | 'escalation'
  | 'ack'
  | 'silence'
  | 'note'
  | 'resolve'
  | 'close'
  | 'info';
export interface TimelineEntry {
  at: string; // workflow time, ISO
  kind: TimelineKind;
  actor: string; // 'alertmanager', 'atc-ops', or the human who acted
  text: string;
}

export interface AlertRecord {
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  endsAt: string;
  severity: Severity;
  service?: string;
  labels: Record<string, string>;
  summary?: string;
  firstSeenAt: string;
  resolvedSeenAt?: string;
  planned: boolean; // the playbook has looked at this firing episode
}

export type ActionStatus = 'running' | 'verified' | 'failed' | 'skipped';
export interface ActionRecord {
  key: string; // action:target, done at most once per incident
  action: string;
  target: string;
  rule?: string;
  status: ActionStatus;
  startedAt: string;
  finishedAt?: string;
  detail?: string;
}

export interface HumanStep {
  actor: string;
  at: string;
  text?: string;
}

export interface IncidentView {
  id: string;
  source: 'alertmanager' | 'manual';
  title: string;
  environment: string;
  severity: Severity;
  services: string[];
  groupKey?: string;
  groupLabels: Record<string, string>;
  status: 'open' | 'acknowledged' | 'closed';
  openedAt: string;
  closedAt?: string;
  alerts: AlertRecord[];
  actions: ActionRecord[];
  timeline: TimelineEntry[];
  timelineDropped: number;
  ack?: HumanStep;
  resolution?: HumanStep;
  notes: number;
  silence?: { id: string; createdAt: string; expiredAt?: string };
  escalation: { level: number; timersFired: number };
  notifications: { received: number; duplicates: number };
  firstActionAt?: string;
  runs: number; // 1 + how many times this incident continued as new
  postmortemPath?: string;
}

export type IncidentResult = Omit<IncidentView, 'timeline' | 'alerts'> & {
  alertCount: number;
  firing: number;
  timelineLength: number;
};

export const alertsSignal = defineSignal<[AlertNotification | AlertBatch]>('alerts');
export const incidentQuery = defineQuery<IncidentView>('incident');

export const ackInput = z.object({ actor: actorName, comment: z.string().trim().max(2000).optional() }).strict();
export const noteInput = z
  .object({ actor: actorName, text: z.string().trim().min(1, 'a note needs text').max(4000) })
  .strict();
export const resolveInput = z
  .object({ actor: actorName, summary: z.string().trim().min(1, 'a summary is required').max(4000) })
  .strict();
export type AckInput = z.input<typeof ackInput>;
export type NoteInput = z.input<typeof noteInput>;
export type ResolveInput = z.input<typeof resolveInput>;

export interface AckResult {
  actor: string;
  at: string;
  silenceId?: string;
  detail: string;
}
export interface ResolveResult {
  actor: string;
  closesWhen: string; // e.g. 'now' or 'all alerts have resolved (2 still firing)'
}
export const ackUpdate = defineUpdate<AckResult, [AckInput]>('ack');
export const noteUpdate = defineUpdate<{ recorded: true }, [NoteInput]>('note');
export const resolveUpdate = defineUpdate<ResolveResult, [ResolveInput]>('resolve');

/** Severity from labels: critical > warning > info; a missing or unknown label counts as warning (fail-safe). */
export function severityOf(label: string | undefined): Severity {
  return label === 'critical' || label === 'info' || label === 'warning' ? label : 'warning';
}
export function worseSeverity(a: Severity, b: Severity): Severity {
  const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
  return rank[b] > rank[a] ? b : a;
}
