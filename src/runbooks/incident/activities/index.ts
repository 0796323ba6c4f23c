/**
 * Activities of the incident runbook. Each side effect checks state first so a retry after a worker kill does not
 * repeat it: the container restart compares the container's start time with the time the action was planned (and
 * does nothing while a deploy or rollback of that service runs); the silence is looked up by the incident id in its
 * comment before one is created; the postmortem is written atomically.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { durationMs } from '../../../config';
import { PermanentError } from '../../../errors';
import type { Notification } from '../../../integrations/notifier';
import { listSilences } from '../../../integrations/silences';
import { incidentsClosed, incidentsOpened, incidentFirstActionSeconds } from '../../../observability/serviceMetrics';
import type { IncidentView, Severity } from '../contract';
import { activitySleep, firstScheduledAtMs, heartbeatIfActivity } from '../../shared/activityContext';
import type { ActivityDeps } from '../../shared/deps';
import { planActions, type AlertToPlan, type PlannedAction } from './playbookPlan';
import { renderPostmortem } from './postmortem';

export interface IncidentSettings {
  escalationMs: Record<Severity, number[]>;
  levels: string[];
  silenceOnAck: boolean;
  silenceDurationMs: number;
  restartVerifyTimeoutMs: number;
  waitForFirstAlertMs: number;
  continueAsNewAfterEvents: number;
  timelineLimit: number;
}
export interface ContainerWait {
  running: boolean;
  state?: string;
  health?: string;
  waitedMs: number;
}

export function createIncidentActivities(deps: ActivityDeps) {
  const cfg = () => deps.config.incidents;
  const safeDataPath = (id: string) =>
    path.join(deps.config.dataDir, 'postmortems', `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
  return {
    async incidentSettings(): Promise<IncidentSettings> {
      const c = cfg();
      const ms = (l: string[]) => l.map(durationMs);
      return {
        escalationMs: {
          critical: ms(c.escalation.critical),
          warning: ms(c.escalation.warning),
          info: ms(c.escalation.info),
        },
        levels: c.escalationLevels,
        silenceOnAck: c.silenceOnAck,
        silenceDurationMs: durationMs(c.silenceDuration),
        restartVerifyTimeoutMs: durationMs(c.restartVerifyTimeout),
        waitForFirstAlertMs: durationMs(c.waitForFirstAlert),
        continueAsNewAfterEvents: c.continueAsNewAfterEvents,
        timelineLimit: c.timelineLimit,
      };
    },

    async planIncidentActions(environment: string, alerts: AlertToPlan[]): Promise<PlannedAction[]> {
      return planActions(deps.config, environment, alerts);
    },

    async notifyIncident(n: Notification): Promise<void> {
      await deps.notifier.notify({ ...n, runbook: 'incident' });
    },

    /** Starts a stopped container, or restarts a running (hung) one — unless it was (re)started after `plannedAt`. */
    async restartContainerOnce(container: string, plannedAt: string): Promise<{ restarted: boolean; detail: string }> {
      const service = deps.config.services.find((s) => s.container === container)?.name;
      const changing = service
        ? (await Promise.all(['deploy', 'rollback'].map((r) => deps.running.running(r, { service })))).flat()
        : [];
      if (changing.length)
        return {
          restarted: false,
          detail: `not restarted: ${changing.map((w) => w.workflowId).join(', ')} is changing ${container}`,
        };
      const info = await deps.containers.inspect(container);
      if (!info) throw new PermanentError(`no container named ${container}`);
      const startedAt = Date.parse(info.State.StartedAt ?? '');
      if (startedAt > Date.parse(plannedAt))
        return { restarted: false, detail: `already (re)started at ${info.State.StartedAt}` };
      if (info.State.Running) await deps.containers.restart(container, 10);
      else await deps.containers.start(container);
      return {
        restarted: true,
        detail: info.State.Running
          ? 'restarted (it was running but its target was down)'
          : `started (it was ${info.State.Status})`,
      };
    },

    /** Polls until the container runs and is not unhealthy/starting, or the deadline of the first attempt passes. */
    async awaitContainerRunning(container: string, timeoutMs: number): Promise<ContainerWait> {
      const begun = Date.now();
      const deadline = firstScheduledAtMs() + timeoutMs;
      for (;;) {
        const s = await deps.containers.status(container);
        const ok = s.running && (s.health === 'healthy' || s.health === 'none');
        heartbeatIfActivity({ state: s.state, health: s.health });
        if (ok || Date.now() + 500 > deadline)
          return { running: ok, state: s.state, health: s.health, waitedMs: Date.now() - begun };
        await activitySleep(500);
      }
    },

    async createIncidentSilence(
      incidentId: string,
      matchers: Record<string, string>,
      actor: string,
      durationMsValue: number,
    ): Promise<{ silenceId: string; reused: boolean }> {
      const tag = `[incident ${incidentId}]`;
      const existing = (await listSilences(deps.config.alertmanager.url)).find(
        (s) => s.state !== 'expired' && s.comment.includes(tag),
      );
      if (existing) return { silenceId: existing.id, reused: true };
      const link = `${deps.config.temporal.uiUrl}/namespaces/${deps.config.temporal.namespace}/workflows/${encodeURIComponent(incidentId)}`;
      const now = Date.now();
      const silenceId = await deps.alerts.createSilence({
        matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + durationMsValue).toISOString(),
        createdBy: `atc-ops for ${actor}`,
        comment: `atc-ops ${tag} acknowledged by ${actor}; expires when the incident closes. ${link}`,
      });
      return { silenceId, reused: false };
    },

    async expireIncidentSilence(silenceId: string): Promise<void> {
      await deps.alerts.expireSilence(silenceId);
    },

    async writePostmortem(view: IncidentView): Promise<string> {
      const file = safeDataPath(view.id);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, renderPostmortem(view), 'utf8');
      await rename(tmp, file);
      return file;
    },

    /** Service metrics observed where the facts are known (the worker runs inside `atc serve`, so they reach its /metrics). */
    async recordIncidentMetric(
      event: 'opened' | 'closed' | 'first-action',
      environment: string,
      severity: Severity,
      seconds?: number,
    ): Promise<void> {
      if (event === 'opened') incidentsOpened.inc({ environment, severity });
      else if (event === 'closed') incidentsClosed.inc({ environment, severity });
      else if (seconds !== undefined) incidentFirstActionSeconds.observe({ environment }, seconds);
    },
  };
}
