/** What the steps of a deploy share: the request, the step log, the result being built, the files' key, the pause hook. */
import type { DeploymentKey } from '../activities/deploy/types';
import type { StepLog } from './common';
import type { DeployResult, DeployStep, Refusal } from './deployInputs';

export interface DeployRequest {
  runbook: 'deploy' | 'rollback';
  environment: string;
  service: string;
  image: string;
  dryRun: boolean;
  reason?: string;
  requestedBy?: string;
  approvalTimeout?: string;
  pauseAfterStep?: DeployStep;
  refusals?: Refusal[]; // decided before (e.g. a rollback without a target)
}

export interface DeployContext {
  req: DeployRequest;
  steps: StepLog;
  result: DeployResult;
  key: DeploymentKey;
  pause(step: DeployStep): Promise<void>;
}
