/** The schedules atc-ops knows about: every one the config wants plus every one it created, described consistently. */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { AtcConfig } from '../../config';
import { managedScheduleIds, parseNote } from './apply';
import { desiredSchedules } from './kinds';

export interface ScheduleRow {
  scheduleId: string;
  kind?: string;
  runbook?: string;
  environment?: string;
  cron?: string;
  timezone?: string;
  exists: boolean; // false: in the config but not applied yet
  inConfig: boolean; // false: created by atc-ops but no longer in the config (apply deletes it)
  upToDate: boolean; // the schedule matches the config
  paused?: boolean;
  nextRuns: string[];
  recentRuns: { scheduledAt: string; workflowId: string }[];
  skippedOverlap?: number;
}

export async function listSchedules(client: Client, config: AtcConfig): Promise<ScheduleRow[]> {
  const desired = desiredSchedules(config);
  const ids = [...new Set([...desired.map((d) => d.scheduleId), ...(await managedScheduleIds(client))])].sort();
  return Promise.all(
    ids.map(async (scheduleId): Promise<ScheduleRow> => {
      const want = desired.find((d) => d.scheduleId === scheduleId);
      const d = await client.schedule
        .getHandle(scheduleId)
        .describe()
        .catch((err: unknown) => {
          if (err instanceof ScheduleNotFoundError) return undefined;
          throw err;
        });
      const seen = parseNote(d?.state.note);
      const shown = seen ?? want;
      return {
        scheduleId,
        ...{
          kind: shown?.kind,
          runbook: shown?.runbook,
          environment: shown?.environment,
          cron: shown?.cron,
          timezone: shown?.timezone,
        },
        exists: d !== undefined,
        inConfig: want !== undefined,
        upToDate:
          d !== undefined &&
          want !== undefined &&
          seen !== undefined &&
          JSON.stringify({ ...want, taskQueue: seen.taskQueue }) === JSON.stringify(seen) &&
          seen.taskQueue === config.temporal.taskQueue,
        paused: d?.state.paused,
        nextRuns: (d?.info.nextActionTimes ?? []).slice(0, 3).map((t) => t.toISOString()),
        recentRuns: (d?.info.recentActions ?? [])
          .slice(-3)
          .map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
        skippedOverlap: d?.info.numActionsSkippedOverlap,
      };
    }),
  );
}
