/** The worker's activities aggregator: createActivities(deps) merges every runbook's activities behind one failure boundary. */
import type { ActivityDeps } from './shared/deps';
import { createBackupRestoreActivities } from './backup/activities';
import { createBotActivities } from './bot-halt/activities';
import { createCheckActivities } from './daily-check/activities';
import { createDeployActivities } from './deploy/activities';
import { withFailureBoundary } from './shared/failures';
import { createIncidentActivities } from './incident/activities';
import { createSmokeActivities } from './rig-smoke/activities';

export function createActivities(deps: ActivityDeps) {
  return withFailureBoundary({
    ...createSmokeActivities(deps),
    ...createBackupRestoreActivities(deps),
    ...createIncidentActivities(deps),
    ...createCheckActivities(deps),
    ...createBotActivities(deps),
    ...createDeployActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
