/**
 * backup: one configured database. Steps: pg_dump (snapshot shared with exact row counts; sha256 while it
 * streams) → `pg_restore --list` check → manifest, published atomically (the backup id comes from the workflow,
 * so a retried attempt never makes a second backup) → retention. Compensation: cancelled or failed → the child is
 * stopped and the staging folder removed (in the activity, and backupDiscard again here, non-cancellable);
 * a failure notifies on-call (warning). Retention problems are reported, they do not fail the backup.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BackupSummary } from './activities/backup';
import { backupIdOf } from '../../backupIds';
import { backupInput, type BackupInput } from './contract';
import { failureText } from '../shared/failures';
import { longRunning, persistent } from '../shared/profiles';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';

const long = proxyActivities<Activities>(longRunning);
const short = proxyActivities<Activities>(persistent);

export interface BackupResult extends BackupSummary {
  outcome: 'succeeded';
  environment: string;
  removedByRetention: string[];
  retentionError?: string;
}

export async function backup(raw: BackupInput): Promise<BackupResult> {
  const input = validateInput(backupInput, raw);
  tagExecution('backup', input.environment);
  const steps = new StepLog('backup');
  const { workflowId, startTime } = workflowInfo();
  const backupId = backupIdOf(input.database, startTime);
  let summary: BackupSummary;
  try {
    summary = await steps.step(
      `dump ${input.database} and verify`,
      () => long.backupRun({ database: input.database, backupId, workflowId }),
      (s) =>
        `${s.backupId}: ${(s.dumpBytes / 1e6).toFixed(1)} MB ${s.format}, ${s.tables} tables, ${s.rows} rows, sha256 ${s.sha256[0]?.slice(0, 12)}…`,
    );
  } catch (err) {
    await CancellationScope.nonCancellable(async () => {
      await short.backupDiscard(backupId);
      if (!isCancellation(err)) {
        await short.backupNotify({
          severity: 'warning',
          title: `backup of ${input.database} failed`,
          text: failureText(err),
          runbook: 'backup',
          workflowId,
          environment: input.environment,
        });
      }
    });
    steps.finish();
    setOutcome(isCancellation(err) ? 'cancelled' : 'failed');
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(`backup of ${input.database} failed: ${failureText(err)}`, 'BackupFailed');
  }
  let removedByRetention: string[] = [];
  let retentionError: string | undefined;
  try {
    removedByRetention = await steps.step(
      'retention',
      () => short.backupApplyRetention({ database: input.database, keep: backupId }),
      (r) => `removed ${r.length}: ${r.join(', ') || 'none'}`,
    );
  } catch (err) {
    retentionError = failureText(err);
  }
  setOutcome('succeeded');
  steps.finish();
  return {
    outcome: 'succeeded',
    environment: input.environment,
    ...summary,
    removedByRetention,
    ...(retentionError ? { retentionError } : {}),
  };
}
