/**
 * restore: a backup (id or latest) of a configured database into a target database on the same server.
 * Steps: resolve → verify checksums + pg_restore --list (refuse if anything is off; nothing created yet) →
 * plan the target (exists without overwrite → refuse; protected → two distinct approvers, not the requester) →
 * restore into a fresh staging database (TimescaleDB: extension + pre/post hooks, no parallel restore) → exact
 * row counts vs the manifest → rename into place (an overwritten target is renamed aside, then dropped).
 * Compensation: any failure or cancellation after the staging database exists drops it; the target is untouched.
 */
import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { RowCheck } from './activities/restore';
import { failureText } from '../shared/failures';
import { restoreInput, type RestoreInput } from './contract';
import { setOutcome, StepLog, tagExecution, validateInput, workflowTimeMs } from '../shared/steps';
import { ApprovalGate } from './restoreApproval';
import { dropDatabase, longAct, restoreInto, shortAct, verifyBackup } from './restoreSteps';

export interface RestoreResult {
  outcome: 'succeeded' | 'refused' | 'failed';
  reason?: string;
  database: string;
  target: string;
  backupId?: string;
  replaced?: boolean;
  approvedBy: string[];
  tables?: RowCheck['tables'];
  rows?: number;
  durations: { verifyBackupMs?: number; restoreMs?: number; verifyRowsMs?: number; totalMs: number };
}

export async function restore(raw: RestoreInput): Promise<RestoreResult> {
  const input = validateInput(restoreInput, raw);
  tagExecution('restore', input.environment);
  const steps = new StepLog('restore');
  const gate = new ApprovalGate(input.requestedBy); // approvers come from the config (plan) before the gate opens
  const started = workflowTimeMs();
  const result: RestoreResult = {
    outcome: 'refused',
    database: input.database,
    target: input.target,
    approvedBy: [],
    durations: { totalMs: 0 },
  };
  const finish = (outcome: RestoreResult['outcome'], reason?: string): RestoreResult => {
    Object.assign(result, { outcome, ...(reason ? { reason } : {}) });
    result.durations.totalMs = workflowTimeMs() - started;
    setOutcome(outcome);
    steps.finish();
    return result;
  };

  const resolved = await steps.step(
    'resolve backup',
    () => shortAct.restoreResolveBackup({ database: input.database, backup: input.backup }),
    (r) => (r.ok ? r.backupId : r.reason),
  );
  if (!resolved.ok) return finish('refused', resolved.reason);
  result.backupId = resolved.backupId;
  const verified = await verifyBackup(steps, resolved.backupId);
  result.durations.verifyBackupMs = verified.durationMs;
  if (verified.problems.length)
    return finish('refused', `backup ${resolved.backupId} failed verification: ${verified.problems.join('; ')}`);

  const plan = await steps.step(
    'plan target',
    () =>
      shortAct.restorePlanTarget({
        environment: input.environment,
        database: input.database,
        target: input.target,
        workflowId: workflowInfo().workflowId,
        timescale: Boolean(resolved.timescaleVersion),
      }),
    (p) =>
      `${p.exists ? 'exists' : 'new'}${p.protectedBecause.length ? `, protected (${p.protectedBecause.join('; ')})` : ''}`,
  );
  if (plan.exists && !input.overwrite)
    return finish(
      'refused',
      `target database ${JSON.stringify(input.target)} exists; restore into a new name or pass overwrite (--overwrite)`,
    );
  if (plan.exists && plan.connections > 0)
    return finish(
      'refused',
      `target database ${JSON.stringify(input.target)} has ${plan.connections} open connection(s): stop its clients first`,
    );
  if (plan.protectedBecause.length) {
    if (!input.requestedBy)
      return finish(
        'refused',
        `the target is protected (${plan.protectedBecause.join('; ')}): requestedBy (--as) is required so that the requester cannot approve`,
      );
    gate.setApprovers(plan.approvers);
    const approval = await gate.wait(steps, plan.protectedBecause.join('; '), plan.approvalTimeoutMs);
    result.approvedBy = approval.approvedBy;
    if (!approval.approved) return finish('refused', approval.reason);
  }

  const target = {
    database: input.database,
    backupId: resolved.backupId,
    name: plan.staging,
    timescaleVersion: resolved.timescaleVersion,
    jobs: plan.jobs,
  };
  try {
    const { restoreMs, check } = await restoreInto(steps, target);
    Object.assign(result, { tables: check.tables, rows: check.rows });
    Object.assign(result.durations, { restoreMs, verifyRowsMs: check.durationMs });
    if (!check.ok) {
      await dropDatabase(steps, input.database, plan.staging);
      return finish(
        'failed',
        `row counts differ from the manifest: ${check.tables
          .filter((t) => t.actual !== t.expected)
          .map((t) => `${t.table} ${t.actual ?? 'missing'}/${t.expected}`)
          .join(', ')}`,
      );
    }
    const published = await steps.step(
      `publish as ${JSON.stringify(input.target)}`,
      () =>
        longAct.restorePublish({
          database: input.database,
          staging: plan.staging,
          target: input.target,
          aside: plan.aside,
        }),
      (p) => (p.replaced ? 'the old database was replaced' : 'new database'),
    );
    result.replaced = published.replaced;
  } catch (err) {
    await CancellationScope.nonCancellable(() =>
      shortAct
        .restoreRollbackPublish({
          database: input.database,
          staging: plan.staging,
          target: input.target,
          aside: plan.aside,
        })
        .catch(() => false),
    );
    await dropDatabase(steps, input.database, plan.staging);
    result.durations.totalMs = workflowTimeMs() - started;
    steps.finish();
    setOutcome(isCancellation(err) ? 'cancelled' : 'failed');
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(
      `restore of ${resolved.backupId} into ${JSON.stringify(input.target)} failed: ${failureText(err)}`,
      'RestoreFailed',
    );
  }
  return finish('succeeded');
}
