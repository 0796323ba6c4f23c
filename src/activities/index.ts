/** createActivities(deps): every runbook's activities, behind one failure boundary. */
import type { ActivityDeps } from './deps';
import { withFailureBoundary } from './failures';
import { createSmokeActivities } from './smoke';

export function createActivities(deps: ActivityDeps) {
  return withFailureBoundary({
    ...createSmokeActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
