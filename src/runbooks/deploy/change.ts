/**
 * The change of a deploy. Steps: (bot) read new-orders state, halt via the `botHalt` child, wait for open orders 0
 * → record-old (full inspect to a file) → retire-old (rename to <name>-atc-old-<id>, stop) → start-new (same
 * settings, new image) → verify (running/healthy/scraped, then gates over the analysis window) → finish (history,
 * remove old). Compensation: any failure after retire-old began → rollback (remove new, rename old back, start,
 * verify). (bot) finally new orders = previous state AND feed healthy.
 */
import { sleep, workflowInfo } from '@temporalio/workflow';
import type { DeploymentRecord, DeployPlan, GateResult } from './contract';
import { dockerActs, quick, waitActs } from './runtime';
import { failureText } from '../shared/failures';
import { haltBot, restoreBotOrders } from './botSteps';
import type { DeployContext } from './runtime';

export async function changeDeployment(ctx: DeployContext, plan: DeployPlan): Promise<void> {
  const { req, steps, result, key } = ctx;
  const docker = dockerActs(plan.stopTimeoutSeconds);
  const isBot = plan.role === 'bot';
  if (isBot && !(await haltBot(ctx, plan))) {
    await restoreBotOrders(ctx, plan);
    result.outcome = 'failed';
    return;
  }
  let oldId: string | undefined;
  let failure: string | undefined;
  try {
    const old = await steps.step(
      'record-old',
      () => docker.deployRecordOld({ key, container: plan.container }),
      (o) => `${o.id.slice(0, 12)} (${o.image}) → ${o.inspectFile}`,
    );
    await ctx.pause('record-old');
    oldId = old.id; // from here on, a failure means rollback
    await steps.step(
      'retire-old',
      () => docker.deployRetireOld({ key, container: plan.container, stopTimeoutSeconds: plan.stopTimeoutSeconds }),
      (d) => d,
    );
    await ctx.pause('retire-old');
    await steps.step(
      'start-new',
      () => docker.deployStartNew({ key, container: plan.container, image: plan.to.image }),
      (d) => d,
    );
    await ctx.pause('start-new');
    failure = await verify(ctx, plan);
    await ctx.pause('verify');
  } catch (err) {
    failure = failureText(err);
  }
  if (failure && !oldId)
    Object.assign(result, { outcome: 'failed', detail: `failed before the swap, nothing changed: ${failure}` });
  else if (failure) await rollBack(ctx, plan, oldId!, failure);
  else await finish(ctx, plan);
  if (isBot) await restoreBotOrders(ctx, plan);
  const severity = result.outcome === 'succeeded' ? 'info' : result.outcome === 'rolled-back' ? 'warning' : 'critical';
  await quick
    .deployNotify({
      severity,
      title: `${req.runbook} ${req.service} (${req.environment}): ${result.outcome}`,
      text: `${result.detail}${result.bot?.detail ? `; bot: ${result.bot.detail}` : ''}`,
      runbook: req.runbook,
      workflowId: key.workflowId,
      environment: req.environment,
    })
    .catch(() => undefined);
}

/** Undefined when the new container passed; otherwise why it did not. */
async function verify(ctx: DeployContext, plan: DeployPlan): Promise<string | undefined> {
  const { steps } = ctx;
  steps.begin('verify');
  const ready = await waitActs(plan.healthTimeoutMs).deployWaitReady({
    container: plan.container,
    job: plan.job,
    timeoutMs: plan.healthTimeoutMs,
  });
  if (!ready.ok) {
    steps.end('verify', 'failed', `not ready: ${ready.detail}`);
    return `new container not ready: ${ready.detail}`;
  }
  let elapsed = 0;
  for (let round = 1; ; round++) {
    const results: GateResult[] = await quick.deployEvaluateGates(plan.gates);
    ctx.result.gates = results;
    const failed = results.filter((g) => !g.pass);
    if (failed.length) {
      const why = `gate failed at evaluation ${round} (${elapsed} ms into the analysis window): ${failed.map((g) => g.detail).join('; ')}`;
      steps.end('verify', 'failed', why);
      return why;
    }
    if (elapsed >= plan.analysisWindowMs) {
      steps.end(
        'verify',
        'ok',
        `${ready.detail}; ${results.length} gate(s) passed ${round} evaluation(s) over ${plan.analysisWindowMs} ms`,
      );
      return undefined;
    }
    const wait = Math.min(plan.gateIntervalMs, plan.analysisWindowMs - elapsed);
    await sleep(wait);
    elapsed += wait;
  }
}

async function finish(ctx: DeployContext, plan: DeployPlan): Promise<void> {
  const { steps, result } = ctx;
  steps.begin('finish');
  await quick.deployRecordHistory(historyRecord(ctx, plan, 'succeeded', `verified: ${plan.to.image}`));
  const removed = await dockerActs(plan.stopTimeoutSeconds)
    .deployRemoveOld({ key: ctx.key, container: plan.container })
    .catch((err: unknown) => `old container NOT removed: ${failureText(err)}`);
  steps.end('finish', 'ok', `history recorded; ${removed}`);
  Object.assign(result, { outcome: 'succeeded', detail: `${plan.container} runs ${plan.to.image}; ${removed}` });
  await ctx.pause('finish');
}

async function rollBack(ctx: DeployContext, plan: DeployPlan, oldId: string, reason: string): Promise<void> {
  const { steps, result } = ctx;
  steps.begin('rollback', reason);
  let restored = false;
  let detail: string;
  try {
    const done = await dockerActs(plan.stopTimeoutSeconds).deployRestoreOld({
      key: ctx.key,
      container: plan.container,
    });
    const ready = await waitActs(plan.healthTimeoutMs).deployWaitReady({
      container: plan.container,
      expectId: oldId,
      job: plan.job,
      timeoutMs: plan.healthTimeoutMs,
    });
    restored = ready.ok;
    detail = `${done}; ${ready.detail}`;
  } catch (err) {
    detail = failureText(err);
  }
  const text = restored
    ? `rolled back to ${plan.from.image}: ${reason}`
    : `ROLLBACK FAILED (manual action needed: ${detail}); deploy failed: ${reason}`;
  await quick
    .deployRecordHistory(historyRecord(ctx, plan, restored ? 'rolled-back' : 'failed', text))
    .catch(() => undefined);
  steps.end('rollback', restored ? 'ok' : 'failed', detail);
  Object.assign(result, {
    outcome: restored ? 'rolled-back' : 'failed',
    detail: text,
    rollback: { reason, restored, detail },
  });
  await ctx.pause('rollback');
}

function historyRecord(
  ctx: DeployContext,
  plan: DeployPlan,
  outcome: DeploymentRecord['outcome'],
  detail: string,
): DeploymentRecord {
  const { req, key } = ctx;
  return {
    ...{
      deploymentId: `${key.workflowId}/${key.runId}`,
      workflowId: key.workflowId,
      runId: key.runId,
      runbook: req.runbook,
    },
    ...{
      environment: req.environment,
      service: req.service,
      container: plan.container,
      from: plan.from,
      to: plan.to,
      outcome,
      detail,
    },
    ...{ reason: req.reason, requestedBy: req.requestedBy, approvedBy: ctx.result.approval?.approvedBy },
    ...{ startedAt: workflowInfo().startTime.toISOString(), finishedAt: new Date().toISOString() },
  };
}
