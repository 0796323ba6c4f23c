/**
 * The Alertmanager webhook payload (version 4), validated with zod. Objects are not strict: keys that newer
 * Alertmanager versions add are ignored. A notification is split per environment (label `environment`; alerts without
 * a valid one go to `incidents.defaultEnvironment`), because an incident belongs to one environment.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { environmentName, isName } from '../../runbooks/shared/names';
import {
  SEVERITIES,
  severityOf,
  worseSeverity,
  type AlertNotification,
  type IncidentAlert,
  type Severity,
} from '../../runbooks/incident/contract';

const labelMap = z.record(z.string().min(1).max(1024), z.string().max(16_384));
const isoTime = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'an RFC 3339 time');

const amAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: isoTime,
  endsAt: z.string().max(64).default(''),
  generatorURL: z.string().max(4096).optional(),
  fingerprint: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'a fingerprint (printable, up to 128 characters)'),
});

export const MAX_ALERTS_PER_NOTIFICATION = 20_000;
export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(4096),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024),
  groupLabels: labelMap,
  commonLabels: labelMap.optional(),
  commonAnnotations: labelMap.optional(),
  externalURL: z.string().max(2048).optional(),
  alerts: z.array(amAlert).min(1, 'a notification has at least one alert').max(MAX_ALERTS_PER_NOTIFICATION),
});
export type AlertmanagerPayload = z.output<typeof alertmanagerPayload>;

/** What one environment's part of a notification becomes: the incident's base id, start input and signal. */
export interface EnvironmentPart {
  environment: string;
  baseId: string; // incident-<env>-<hash of groupKey and environment>; later incidents of the group add -2, -3, ...
  severity: Severity; // worst severity among the firing alerts (info when none fire)
  service?: string;
  allResolved: boolean;
  groupLabels: Record<string, string>;
  externalURL?: string;
  notifications: AlertNotification[]; // one; several when the starter coalesced notifications of the group
}

export function incidentBaseId(groupKey: string, environment: string): string {
  const hash = createHash('sha256').update(`${groupKey}\n${environment}`).digest('hex').slice(0, 16);
  return `incident-${environment}-${hash}`;
}

const validEnvironment = (v: string | undefined) =>
  v !== undefined && environmentName.safeParse(v).success ? v : undefined;
const validService = (v: string | undefined) => (isName(v) ? v : undefined);

export function splitByEnvironment(
  p: AlertmanagerPayload,
  defaultEnvironment: string,
  receivedAt: string,
): EnvironmentPart[] {
  const byEnv = new Map<string, IncidentAlert[]>();
  for (const a of p.alerts) {
    const env = validEnvironment(a.labels.environment) ?? defaultEnvironment;
    const alert: IncidentAlert = {
      status: a.status,
      fingerprint: a.fingerprint,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      labels: a.labels,
      annotations: a.annotations,
    };
    const list = byEnv.get(env);
    if (list) list.push(alert);
    else byEnv.set(env, [alert]);
  }
  return [...byEnv].map(([environment, alerts]) => {
    const firing = alerts.filter((a) => a.status === 'firing');
    const severity = firing.reduce<Severity>((s, a) => worseSeverity(s, severityOf(a.labels.severity)), SEVERITIES[2]);
    return {
      environment,
      baseId: incidentBaseId(p.groupKey, environment),
      severity,
      service: validService(alerts.find((a) => a.labels.service)?.labels.service),
      allResolved: firing.length === 0,
      groupLabels: p.groupLabels,
      externalURL: p.externalURL,
      notifications: [{ receivedAt, status: firing.length ? 'firing' : 'resolved', groupKey: p.groupKey, alerts }],
    };
  });
}
