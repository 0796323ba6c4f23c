/**
 * deploy and rollback: replace a service's container with one from another image, keeping its configuration; a
 * rollback is a deploy whose image comes from the deployment history (the image it ran before its last successful
 * deploy or rollback), or from `to`.
 * Steps: preflight (service known, image present, one deploy at a time, no open critical incident, feed healthy for
 * bots, Prometheus scrapes the service; a rollback without a target is refused by rule rollback-target) → plan
 * (--dry-run stops) → approval where the environment needs it (timeout/reject: cancelled, nothing changed) → the
 * change (change.ts: bot halt → record/retire old → start new → verify → finish).
 * Compensation: cancellable until the change starts; from then on it runs to its end, and any failure after the
 * swap began rolls back automatically to the old container, so it never stops half-swapped.
 */
import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { Outcome } from '../shared/messages';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';
import { installApproval, installPausePoints } from './approval';
import { changeDeployment } from './change';
import {
  deployInput,
  planSummary,
  rollbackInput,
  type DeployInput,
  type DeployOutcome,
  type DeployPlan,
  type DeployResult,
  type Refusal,
  type RollbackInput,
} from './contract';
import { feedActs, feedVerdict, quick, type DeployContext, type DeployRequest } from './runtime';
import { failureText } from '../shared/failures';

export async function deploy(raw: DeployInput): Promise<DeployResult> {
  const input = validateInput(deployInput, raw);
  return runDeployment({ ...input, runbook: 'deploy' });
}

export async function rollback(raw: RollbackInput): Promise<DeployResult> {
  const input = validateInput(rollbackInput, raw);
  const { to, ...rest } = input;
  const previous = to
    ? undefined
    : await quick.deployPreviousImage({ environment: input.environment, service: input.service });
  const image = to ?? previous?.image ?? '(none)';
  const refusals: Refusal[] =
    to || previous
      ? []
      : [
          {
            rule: 'rollback-target',
            detail: `no earlier image of ${input.service} in ${input.environment} in the deployment history; give one with --to`,
          },
        ];
  return runDeployment({ ...rest, image, runbook: 'rollback', refusals });
}

const OUTCOME: Record<DeployOutcome, Outcome> = {
  succeeded: 'succeeded',
  planned: 'ok',
  refused: 'refused',
  cancelled: 'cancelled',
  'rolled-back': 'failed',
  failed: 'failed',
};

export async function runDeployment(req: DeployRequest): Promise<DeployResult> {
  tagExecution(req.runbook, req.environment, req.service);
  const steps = new StepLog(req.runbook);
  const { workflowId, runId } = workflowInfo();
  const result: DeployResult = {
    runbook: req.runbook,
    workflowId,
    environment: req.environment,
    service: req.service,
    image: req.image,
    outcome: 'failed',
    detail: '',
    refusals: [],
  };
  const ctx: DeployContext = {
    req,
    steps,
    result,
    key: { workflowId, runId },
    pause: installPausePoints(req.pauseAfterStep, steps),
  };
  const approval = installApproval();
  let plan: DeployPlan | undefined;
  try {
    plan = await beforeChange(ctx, approval);
  } catch (err) {
    const detail = isCancellation(err)
      ? 'cancelled before any change'
      : `failed before any change: ${failureText(err)}`;
    for (const s of steps.progress.steps.filter((x) => x.status === 'running')) steps.end(s.name, 'failed', detail);
    Object.assign(result, { outcome: isCancellation(err) ? 'cancelled' : 'failed', detail });
  }
  if (plan) await CancellationScope.nonCancellable(() => changeDeployment(ctx, plan!));
  setOutcome(OUTCOME[result.outcome]);
  steps.finish();
  return result;
}

/** Preflight, plan, approval. Returns the plan when the change may start; otherwise the result says why not. */
async function beforeChange(
  ctx: DeployContext,
  approval: ReturnType<typeof installApproval>,
): Promise<DeployPlan | undefined> {
  const { req, steps, result } = ctx;
  const done = (outcome: DeployOutcome, detail: string) => void Object.assign(result, { outcome, detail });

  steps.begin('preflight');
  const pre = req.refusals?.length
    ? { refusals: [] }
    : await quick.deployPreflight({
        environment: req.environment,
        service: req.service,
        image: req.image,
        workflowId: ctx.key.workflowId,
      });
  const refusals = [...(req.refusals ?? []), ...pre.refusals];
  if ('role' in pre && pre.role === 'bot') {
    const feed = await feedActs
      .checkFeed(req.environment)
      .then(feedVerdict, (err: unknown) => ({ healthy: false, detail: `feed check failed: ${failureText(err)}` }));
    if (!feed.healthy) refusals.push({ rule: 'feed-before-bot', detail: feed.detail });
  }
  result.refusals = refusals;
  if (refusals.length) {
    steps.end('preflight', 'failed', refusals.map((r) => `${r.rule}: ${r.detail}`).join('; '));
    return void done('refused', `refused by ${refusals.map((r) => r.rule).join(', ')}`);
  }
  steps.end('preflight', 'ok', 'every rule passed');
  await ctx.pause('preflight');

  const plan = await steps.step(
    'plan',
    () =>
      quick.deployPlan({
        environment: req.environment,
        service: req.service,
        image: req.image,
        approvalTimeout: req.approvalTimeout,
      }),
    planSummary,
  );
  result.plan = plan;
  await ctx.pause('plan');
  if (req.dryRun) return void done('planned', 'dry run: the plan only, nothing changed');

  if (!plan.approval.required) {
    steps.end('approval', 'skipped', `${req.environment} needs no approval`);
    result.approval = { required: false };
  } else {
    const requester = req.requestedBy;
    const eligible = plan.approval.approvers.filter((a) => a !== requester);
    const fourEyes = !requester
      ? 'requestedBy is required where an approval is needed'
      : eligible.length === 0
        ? `no approver other than ${requester} is configured for ${req.environment}`
        : undefined;
    if (fourEyes) {
      result.refusals = [{ rule: 'four-eyes', detail: fourEyes }];
      steps.end('approval', 'failed', fourEyes);
      return void done('refused', `refused by four-eyes: ${fourEyes}`);
    }
    steps.begin('approval');
    await quick
      .deployNotify({
        severity: 'info',
        title: `${req.runbook} ${req.service} (${req.environment}) waits for approval`,
        text: `requested by ${requester}${req.reason ? ` (${req.reason})` : ''}; approve with: atc approve ${ctx.key.workflowId} --as <approver>. Plan: ${planSummary(plan)}`,
        runbook: req.runbook,
        workflowId: ctx.key.workflowId,
        environment: req.environment,
      })
      .catch(() => undefined);
    const decision = await approval.wait(plan.approval, requester!, planSummary(plan), steps);
    result.approval = {
      required: true,
      approvedBy: decision?.approved ? decision.actor : undefined,
      rejectedBy: decision && !decision.approved ? decision.actor : undefined,
      comment: decision?.comment,
      timedOut: !decision,
    };
    if (!decision?.approved) {
      const why = decision
        ? `rejected by ${decision.actor}${decision.comment ? `: ${decision.comment}` : ''}`
        : `no approval within the timeout`;
      steps.end('approval', 'failed', why);
      return void done('cancelled', `${why}; nothing changed`);
    }
    steps.end('approval', 'ok', `approved by ${decision.actor}`);
  }
  await ctx.pause('approval');
  return plan;
}
