/**
 * backup, restore and restore-test with stubbed activities on the real dev server: the step order, refusals
 * (corrupt backup, existing target, approvals), compensations (staging and scratch databases dropped), the
 * TimescaleDB path, notifications and the incident of a failed restore test, input validation.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BackupResult } from '../../src/runbooks/backup/workflow';
import type { RestoreResult } from '../../src/runbooks/backup/restoreWorkflow';
import type { RestoreTestResult } from '../../src/runbooks/backup/restoreTestWorkflow';
import { approveUpdate, rejectUpdate } from '../../src/runbooks/shared/messages';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';
import { refusedUpdate, waitingFor } from '../support/approvals';
import { waitFor } from '../support/waitFor';
import { argsOf, backupStubs, names, permanent, plan, resolvedOk, type Call } from './support/backupStubs';
import type { StubActivities } from './support/stubs';

const { client, withWorker } = useTestWorkflows(require.resolve('./support/backupWorkflowsBundle'));

type Over = Parameters<typeof backupStubs>[1];
async function run<T>(type: string, input: unknown, over: Over = {}, drive?: (h: WorkflowHandle) => Promise<void>) {
  const calls: Call[] = [];
  const incidents: unknown[] = [];
  const activities = {
    ...backupStubs(calls, over),
    stubIncidentOpened: async (i: unknown) => void incidents.push(i),
  } satisfies StubActivities<{ stubIncidentOpened(input: unknown): Promise<void> }>;
  return withWorker({ activities, taskQueuePrefix: 'backup-test' }, async (taskQueue) => {
    const handle = await client().workflow.start(type, {
      taskQueue,
      workflowId: `${type}-${randomUUID()}`,
      args: [input],
    });
    if (drive) await drive(handle);
    const outcome = await handle.result().then(
      (result: T) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    if (incidents.length === 0 && outcome.result && (outcome.result as { incidentId?: string }).incidentId) {
      await waitFor('the incident child to report its input', () => incidents.length > 0, { timeoutMs: 5000 }); // the child runs on this worker
    }
    return { ...outcome, handle, calls, incidents };
  });
}

const approve = (h: WorkflowHandle, actor: string) => h.executeUpdate(approveUpdate, { args: [{ actor }] });
const failureOf = (err: unknown) => (err as WorkflowFailedError).cause as ApplicationFailure | undefined;

test('backup: deterministic id from the workflow, dump then retention', async () => {
  const { result, calls, handle } = await run<BackupResult>('backup', { database: 'trading', environment: 'paper' });
  expect(result?.outcome).toBe('succeeded');
  expect(result?.backupId).toMatch(/^trading-\d{8}T\d{6}\.\d{3}Z$/);
  expect(names(calls)).toEqual(['backupRun', 'backupApplyRetention']);
  expect(argsOf(calls, 'backupRun')[0]).toEqual({
    database: 'trading',
    backupId: result?.backupId,
    workflowId: handle.workflowId,
  });
  expect(argsOf(calls, 'backupApplyRetention')[0]).toEqual({ database: 'trading', keep: result?.backupId });
  expect(result?.removedByRetention).toEqual(['trading-20240101T030000.000Z']);
  await maybeRecordHistory(handle, 'backup-ok');
});

test('backup: pg_dump failing → the workflow fails with the reason, the staging folder is discarded, on-call notified', async () => {
  const { error, calls, handle } = await run(
    'backup',
    { database: 'trading' },
    { backupRun: permanent('pg_dump of "trading" failed (exit 1): password authentication failed for user "atc"') },
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(failureOf(error)?.type).toBe('BackupFailed');
  expect(failureOf(error)?.message).toMatch(/password authentication failed/);
  expect(names(calls)).toEqual(['backupRun', 'backupDiscard', 'backupNotify']);
  expect(argsOf(calls, 'backupNotify')[0]).toMatchObject({ severity: 'warning', title: 'backup of trading failed' });
  await maybeRecordHistory(handle, 'backup-failed');
});

test('restore: new target → verify, plan, fresh staging database, pg_restore, row counts, publish', async () => {
  const { result, calls, handle } = await run<RestoreResult>('restore', {
    database: 'trading',
    target: 'trading_copy',
    backup: 'latest',
  });
  expect(result).toMatchObject({
    outcome: 'succeeded',
    backupId: 'trading-20250101T030000.000Z',
    target: 'trading_copy',
    rows: 300,
    replaced: false,
  });
  expect(result?.durations).toMatchObject({ verifyBackupMs: 12, restoreMs: 345, verifyRowsMs: 5 });
  expect(names(calls)).toEqual([
    'restoreResolveBackup',
    'restoreVerifyBackup',
    'restorePlanTarget',
    'restoreCreateDatabase',
    'restoreRunArchive',
    'restoreCountRows',
    'restorePublish',
  ]);
  expect(argsOf(calls, 'restoreCreateDatabase')[0]).toEqual({
    database: 'trading',
    name: 'atc_restoring_0123456789ab',
  });
  expect(argsOf(calls, 'restoreRunArchive')[0]).toMatchObject({ jobs: 2, name: 'atc_restoring_0123456789ab' });
  expect(argsOf(calls, 'restorePublish')[0]).toEqual({
    database: 'trading',
    staging: 'atc_restoring_0123456789ab',
    target: 'trading_copy',
    aside: 'atc_replaced_0123456789ab',
  });
  await maybeRecordHistory(handle, 'restore-ok');
});

test('restore: TimescaleDB backup → extension + pre-restore, one job, post-restore', async () => {
  const { result, calls } = await run<RestoreResult>(
    'restore',
    { database: 'trading', target: 'tsdb_copy' },
    {
      restoreResolveBackup: async () => resolvedOk('trading', '2.14.2'),
      restorePlanTarget: async (i: { timescale: boolean }) => plan({ jobs: i.timescale ? 1 : 2 }),
    },
  );
  expect(result?.outcome).toBe('succeeded');
  expect(argsOf(calls, 'restorePlanTarget')[0]).toMatchObject({ timescale: true });
  expect(argsOf(calls, 'restoreCreateDatabase')[0]).toMatchObject({ timescaleVersion: '2.14.2' });
  expect(argsOf(calls, 'restoreRunArchive')[0]).toMatchObject({ jobs: 1 });
  expect(argsOf(calls, 'restoreFinishDatabase')[0]).toMatchObject({ timescale: true });
  expect(names(calls).indexOf('restoreFinishDatabase')).toBeLessThan(names(calls).indexOf('restoreCountRows'));
});

test('restore: a corrupt backup is refused before anything is created', async () => {
  const { result, calls, handle } = await run<RestoreResult>(
    'restore',
    { database: 'trading', target: 'x' },
    {
      restoreVerifyBackup: async () => ({
        ok: false,
        problems: ['dump.pgdump: sha256 1234…, the manifest says abcd… (corrupted)'],
        durationMs: 3,
      }),
    },
  );
  expect(result?.outcome).toBe('refused');
  expect(result?.reason).toMatch(/failed verification: dump.pgdump: sha256 .* \(corrupted\)/);
  expect(names(calls)).toEqual(['restoreResolveBackup', 'restoreVerifyBackup']);
  await maybeRecordHistory(handle, 'restore-corrupt');
});

test('restore: an existing target without overwrite is refused; a missing backup too', async () => {
  const exists = await run<RestoreResult>(
    'restore',
    { database: 'trading', target: 'trading' },
    { restorePlanTarget: async () => plan({ exists: true }) },
  );
  expect(exists.result?.outcome).toBe('refused');
  expect(exists.result?.reason).toMatch(/exists; .*overwrite/);
  expect(names(exists.calls)).not.toContain('restoreCreateDatabase');
  const missing = await run<RestoreResult>(
    'restore',
    { database: 'trading', target: 'x', backup: 'trading-20250101T030000.000Z' },
    {
      restoreResolveBackup: async () => ({
        ok: false,
        reason:
          'backup trading-20250101T030000.000Z has no readable manifest.json (ENOENT): incomplete or not a backup',
      }),
    },
  );
  expect(missing.result).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/no readable manifest/) });
  expect(names(missing.calls)).toEqual(['restoreResolveBackup']);
});

const protectedPlan = {
  restorePlanTarget: async () =>
    plan({
      exists: true,
      protectedBecause: ['database trading is protected'],
      approvers: ['alice', 'bob', 'carol'],
      approvalTimeoutMs: 3000,
    }),
};

test('restore over a protected database: the requester, a duplicate or a stranger cannot approve; one approval is not enough', async () => {
  const input = { database: 'trading', target: 'trading', overwrite: true, requestedBy: 'alice', environment: 'live' };
  const { result, calls, handle } = await run<RestoreResult>('restore', input, protectedPlan, async (h) => {
    await waitingFor(h);
    expect(await refusedUpdate(approve(h, 'alice'))).toMatch(/alice requested this restore and cannot approve it/);
    expect(await refusedUpdate(approve(h, ' ALICE '))).toMatch(/cannot approve/);
    expect(await refusedUpdate(approve(h, 'mallory'))).toMatch(/mallory is not an approver/);
    await approve(h, 'bob');
    expect(await refusedUpdate(approve(h, 'bob'))).toMatch(/bob has already approved/);
  });
  expect(result?.outcome).toBe('refused');
  expect(result?.reason).toMatch(/approval timed out after 3 s with 1 of 2 approvals \(bob\)/);
  expect(result?.approvedBy).toEqual(['bob']);
  expect(names(calls)).not.toContain('restoreCreateDatabase');
  await maybeRecordHistory(handle, 'restore-oneApprover');
});

test('restore over a protected database: two distinct approvers → restored and swapped in', async () => {
  const input = { database: 'trading', target: 'trading', overwrite: true, requestedBy: 'carol', environment: 'live' };
  const { result, calls, handle } = await run<RestoreResult>(
    'restore',
    input,
    { ...protectedPlan, restorePublish: async () => ({ replaced: true }) },
    async (h) => {
      await waitingFor(h);
      await approve(h, 'alice');
      await approve(h, 'bob');
    },
  );
  expect(result).toMatchObject({ outcome: 'succeeded', approvedBy: ['alice', 'bob'], replaced: true });
  expect(names(calls)).toContain('restorePublish');
  await maybeRecordHistory(handle, 'restore-twoApprovers');
});

test('restore over a protected database: a rejection refuses it; no requester → refused at once', async () => {
  const input = { database: 'trading', target: 'trading', overwrite: true, requestedBy: 'carol' };
  const rejected = await run<RestoreResult>('restore', input, protectedPlan, async (h) => {
    await waitingFor(h);
    await h.executeUpdate(rejectUpdate, { args: [{ actor: 'bob', comment: 'wrong backup' }] });
  });
  expect(rejected.result).toMatchObject({ outcome: 'refused', reason: 'rejected by bob: wrong backup' });
  const anonymous = await run<RestoreResult>('restore', { ...input, requestedBy: undefined }, protectedPlan);
  expect(anonymous.result?.reason).toMatch(/requestedBy .* is required/);
  expect(names(anonymous.calls)).not.toContain('restoreCreateDatabase');
});

test('restore: row counts differ → failed, staging dropped, target untouched', async () => {
  const bad = { ok: false, tables: [{ table: 'public.a', expected: 100, actual: 99 }], rows: 99, durationMs: 1 };
  const { result, calls } = await run<RestoreResult>(
    'restore',
    { database: 'trading', target: 'x' },
    { restoreCountRows: async () => bad },
  );
  expect(result).toMatchObject({ outcome: 'failed', reason: 'row counts differ from the manifest: public.a 99/100' });
  expect(argsOf(calls, 'restoreDropDatabase')).toEqual([{ database: 'trading', name: 'atc_restoring_0123456789ab' }]);
  expect(names(calls)).not.toContain('restorePublish');
});

test('restore: pg_restore failing → the workflow fails, the staging database is dropped', async () => {
  const { error, calls, handle } = await run(
    'restore',
    { database: 'trading', target: 'x' },
    {
      restoreRunArchive: permanent('pg_restore into "atc_restoring_0123456789ab" failed (exit 1): ERROR: out of disk'),
    },
  );
  expect(failureOf(error)?.type).toBe('RestoreFailed');
  expect(failureOf(error)?.message).toMatch(/out of disk/);
  expect(names(calls).slice(-2)).toEqual(['restoreRollbackPublish', 'restoreDropDatabase']);
  await maybeRecordHistory(handle, 'restore-pgRestoreFails');
});

test('restore-test: every database restored into a scratch database that is always dropped; state recorded', async () => {
  const { result, calls, handle, incidents } = await run<RestoreTestResult>('restoreTest', { environment: 'dev' });
  expect(result?.ok).toBe(true);
  expect(result?.databases.map((d) => [d.database, d.ok, d.dropped])).toEqual([
    ['mlflow', true, true],
    ['trading', true, true],
  ]);
  const created = argsOf(calls, 'restoreCreateDatabase').map((a) => a.name);
  expect(created[0]).toMatch(/^atc_restore_test_mlflow_\d{8}t\d{6}$/);
  expect(argsOf(calls, 'restoreDropDatabase').map((a) => a.name)).toEqual(created);
  expect(argsOf(calls, 'restoreTestRecord')[0]).toMatchObject({
    runs: [
      { database: 'mlflow', ok: true },
      { database: 'trading', ok: true },
    ],
  });
  expect(names(calls)).not.toContain('backupNotify');
  expect(incidents).toEqual([]);
  await maybeRecordHistory(handle, 'restoreTest-ok');
});

test('restore-test: a failure (even a thrown one) still drops the scratch database, notifies critical, opens an incident', async () => {
  const { result, calls, handle, incidents } = await run<RestoreTestResult>(
    'restoreTest',
    { environment: 'paper' },
    {
      restoreRunArchive: async (i: { name: string }) => {
        if (i.name.includes('trading'))
          throw ApplicationFailure.nonRetryable('pg_restore failed (exit 1): could not read archive', 'PermanentError');
        return { durationMs: 10 };
      },
      restoreResolveBackup: async (i: { database: string }) =>
        i.database === 'mlflow' ? resolvedOk('mlflow') : resolvedOk('trading'),
    },
  );
  expect(result?.ok).toBe(false);
  const trading = result?.databases.find((d) => d.database === 'trading');
  expect(trading).toMatchObject({ ok: false, dropped: true, reason: expect.stringMatching(/could not read archive/) });
  expect(argsOf(calls, 'restoreDropDatabase')).toHaveLength(2);
  expect(argsOf(calls, 'backupNotify')[0]).toMatchObject({
    severity: 'critical',
    title: 'restore test failed: trading',
  });
  expect(incidents).toEqual([
    {
      source: 'manual',
      environment: 'paper',
      severity: 'critical',
      title: 'restore test failed: trading',
      summary: expect.stringMatching(/^trading: .*could not read archive/),
    },
  ]);
  expect(argsOf(calls, 'restoreTestRecord')[0]).toMatchObject({
    runs: [
      { database: 'mlflow', ok: true },
      { database: 'trading', ok: false },
    ],
  });
  await maybeRecordHistory(handle, 'restoreTest-failed');
});

test('bad input fails at once with the reasons', async () => {
  const badTarget = await run('restore', { database: 'trading', target: 'x'.repeat(64) });
  expect(failureOf(badTarget.error)?.message).toMatch(/target: a database name has at most 63 bytes/);
  const badId = await run('restore', { database: 'trading', target: 'ok', backup: '../../etc' });
  expect(failureOf(badId.error)?.message).toMatch(/backup/);
  const reserved = await run('restore', { database: 'trading', target: 'atc_restoring_x' });
  expect(failureOf(reserved.error)?.message).toMatch(/reserved/);
  const badDb = await run('backup', { database: 'Trading; DROP' });
  expect(failureOf(badDb.error)?.type).toBe('BadInput');
  expect(badTarget.calls).toEqual([]);
});
