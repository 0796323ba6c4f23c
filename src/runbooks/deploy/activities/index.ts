/** Activities of the deploy and rollback runbooks (all names start with `deploy`). */
import type { Notification } from '../../../integrations/notifier';
import type { ActivityDeps } from '../../shared/deps';
import { createDeployBotActivities } from './botOrders';
import { createDeployPreflightActivities } from './preflight';
import { createDeploySwapActivities } from './swap';
import { createDeployVerifyActivities } from './verify';

export function createDeployActivities(deps: ActivityDeps) {
  return {
    ...createDeployPreflightActivities(deps),
    ...createDeploySwapActivities(deps),
    ...createDeployVerifyActivities(deps),
    ...createDeployBotActivities(deps),
    async deployNotify(n: Notification): Promise<void> {
      await deps.notifier.notify(n);
    },
  };
}

export type DeployActivities = ReturnType<typeof createDeployActivities>;
