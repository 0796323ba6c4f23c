/**
 * The kinds of Temporal Schedule that `atc schedules apply` derives from the config. Adding a kind = one more
 * entry in SCHEDULE_KINDS (plus its key under `schedules:` in src/config.ts).
 */
import type { AtcConfig } from '../../config';
import { restoreTestSchedules } from './restoreTestKind';

export interface DesiredSchedule {
  kind: string; // the config key, e.g. dailyCheck
  scheduleId: string; // stable: apply updates it in place
  runbook: string; // the CLI name, set as the AtcRunbook search attribute of every run
  workflowType: string;
  workflowId: string; // Temporal appends the scheduled time to it for each run
  args: unknown[];
  environment?: string;
  cron: string;
  timezone: string;
  taskQueue?: string; // default: the config's temporal.taskQueue
}

export interface ScheduleKind {
  kind: string;
  desired(config: AtcConfig): DesiredSchedule[];
}

const dailyCheckSchedules: ScheduleKind = {
  kind: 'dailyCheck',
  desired: (config) =>
    config.schedules.dailyCheck.map(({ environment, cron, timezone }) => ({
      kind: 'dailyCheck',
      scheduleId: `daily-check-${environment}`,
      runbook: 'daily-check',
      workflowType: 'dailyCheck',
      workflowId: `daily-check-${environment}`,
      args: [{ environment }],
      environment,
      cron,
      timezone,
    })),
};

export const SCHEDULE_KINDS: ScheduleKind[] = [dailyCheckSchedules, restoreTestSchedules];

export function desiredSchedules(config: AtcConfig): DesiredSchedule[] {
  return SCHEDULE_KINDS.flatMap((k) => k.desired(config));
}
