/**
 * rollback: return a service to its previous image — a deploy whose target comes from the deployment history
 * (the image it ran before its last successful deploy or rollback), or from `to`.
 * Steps: resolve the target (none → refused by rule rollback-target) → the deploy steps with the same preflight,
 * approvals, gates and automatic rollback (deployRun.ts, deployChange.ts).
 */
import { validateInput } from './common';
import { quick } from './deployActs';
import { rollbackInput, type DeployResult, type Refusal, type RollbackInput } from './deployInputs';
import { runDeployment } from './deployRun';

export async function rollback(raw: RollbackInput): Promise<DeployResult> {
  const input = validateInput(rollbackInput, raw);
  const { to, ...rest } = input;
  const previous = to ? undefined : await quick.deployPreviousImage({ environment: input.environment, service: input.service });
  const image = to ?? previous?.image ?? '(none)';
  const refusals: Refusal[] = to || previous ? [] : [{ rule: 'rollback-target', detail: `no earlier image of ${input.service} in ${input.environment} in the deployment history; give one with --to` }];
  return runDeployment({ ...rest, image, runbook: 'rollback', refusals });
}
