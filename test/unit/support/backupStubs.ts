/** Stubbed activities for the backup / restore / restore-test workflow tests: every call is recorded. */
import { ApplicationFailure } from '@temporalio/common';
import type { BackupSummary } from '../../../src/runbooks/backup/activities/backup';
import type { ResolvedBackup, RowCheck, TargetPlan } from '../../../src/runbooks/backup/activities/restore';
import type { StubActivities } from './stubs';

export interface Call {
  name: string;
  args: unknown[];
}

export const summary = (backupId: string): BackupSummary => ({
  backupId,
  database: backupId.split('-')[0]!,
  format: 'custom',
  timescaledb: false,
  dumpBytes: 150_000,
  databaseBytes: 9_000_000,
  tables: 2,
  rows: 300,
  sha256: ['a'.repeat(64)],
  durationMs: 800,
});

export const resolvedOk = (database: string, timescaleVersion?: string): ResolvedBackup => ({
  ok: true,
  backupId: `${database}-20250101T030000.000Z`,
  database,
  timescaleVersion,
  tables: 2,
  rows: 300,
  finishedAt: '2025-01-01T03:00:01.000Z',
  dumpBytes: 150_000,
});

export const rowsOk: RowCheck = {
  ok: true,
  tables: [
    { table: 'public.a', expected: 100, actual: 100 },
    { table: 'public.b', expected: 200, actual: 200 },
  ],
  rows: 300,
  durationMs: 5,
};

export const plan = (over: Partial<TargetPlan> = {}): TargetPlan => ({
  exists: false,
  connections: 0,
  protectedBecause: [],
  approvers: [],
  approvalTimeoutMs: 60_000,
  staging: 'atc_restoring_0123456789ab',
  aside: 'atc_replaced_0123456789ab',
  jobs: 2,
  ...over,
});

export const permanent = (message: string) => async () => {
  throw ApplicationFailure.nonRetryable(message, 'PermanentError');
};

/** A full set of stubs; `over` replaces some. `calls` records the name and arguments of every call. */
export function backupStubs(calls: Call[], over: StubActivities = {}): StubActivities {
  const base = {
    backupRun: async (i: { backupId: string }) => summary(i.backupId),
    backupDiscard: async () => 0,
    backupApplyRetention: async () => ['trading-20240101T030000.000Z'],
    backupNotify: async () => undefined,
    restoreResolveBackup: async (i: { database: string }) => resolvedOk(i.database),
    restoreVerifyBackup: async () => ({ ok: true, problems: [], durationMs: 12 }),
    restorePlanTarget: async () => plan(),
    restoreCreateDatabase: async () => undefined,
    restoreRunArchive: async () => ({ durationMs: 345 }),
    restoreFinishDatabase: async () => undefined,
    restoreCountRows: async () => rowsOk,
    restoreDropDatabase: async () => undefined,
    restorePublish: async () => ({ replaced: false }),
    restoreRollbackPublish: async () => false,
    restoreTestTargets: async (requested?: string[]) => requested ?? ['mlflow', 'trading'],
    restoreTestJobs: async () => 2,
    restoreTestWriteReport: async () => ({ markdown: '/tmp/r.md', json: '/tmp/r.json' }),
    restoreTestRecord: async () => undefined,
    ...over,
  } satisfies StubActivities;
  const recorded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(base) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    recorded[name] = async (...args: unknown[]) => {
      calls.push({ name, args });
      return fn(...args);
    };
  }
  return recorded as StubActivities; // the same activities, each recording its call
}

export const names = (calls: Call[]) => calls.map((c) => c.name);
export const argsOf = (calls: Call[], name: string) =>
  calls.filter((c) => c.name === name).map((c) => c.args[0] as Record<string, unknown>);
