/** createActivities(deps): every runbook's activities, behind one failure boundary. */
import type { ActivityDeps } from './deps';
import { createBackupRestoreActivities } from './backupRestore';
import { createBotActivities } from './bots';
import { createCheckActivities } from './checks';
import { createDeployActivities } from './deploy';
import { withFailureBoundary } from './failures';
import { createIncidentActivities } from './incidents';
import { createSmokeActivities } from './smoke';

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
export type { ActivityDeps } from './deps';
