/** The backup, restore and restore-test activities together (one line in activities/index.ts). */
import type { ActivityDeps } from '../../shared/deps';
import { createBackupActivities } from './backup';
import { createRestoreActivities } from './restore';
import { createRestoreDatabaseActivities } from './restoreDatabase';
import { createRestoreTestActivities } from './restoreTest';

export function createBackupRestoreActivities(deps: ActivityDeps) {
  return {
    ...createBackupActivities(deps),
    ...createRestoreActivities(deps),
    ...createRestoreDatabaseActivities(deps),
    ...createRestoreTestActivities(deps),
  };
}
