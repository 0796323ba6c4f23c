/**
 * The monthly restore test as a schedule kind (config `schedules.restoreTest`, default cron "0 3 1 * *" UTC):
 * one schedule, `restore-test`, running the restoreTest workflow over every configured database (or the listed
 * ones). None when it is disabled or no database is configured.
 */
import type { AtcConfig } from '../../config';
import type { DesiredSchedule, ScheduleKind } from './kinds';

export const RESTORE_TEST_SCHEDULE_ID = 'restore-test';

export const restoreTestSchedules: ScheduleKind = {
  kind: 'restoreTest',
  desired: (config: AtcConfig): DesiredSchedule[] => {
    const s = config.schedules.restoreTest;
    if (!s.enabled || Object.keys(config.databases).length === 0) return [];
    return [
      {
        kind: 'restoreTest',
        scheduleId: RESTORE_TEST_SCHEDULE_ID,
        runbook: 'restore-test',
        workflowType: 'restoreTest',
        workflowId: RESTORE_TEST_SCHEDULE_ID,
        args: [{ environment: s.environment, ...(s.databases?.length ? { databases: s.databases } : {}) }],
        environment: s.environment,
        cron: s.cron,
        timezone: s.timezone,
      },
    ];
  },
};
