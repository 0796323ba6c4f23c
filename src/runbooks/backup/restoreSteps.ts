/** Steps shared by restore and restore-test: verify a backup, restore it into a fresh database, count rows, drop. */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RowCheck } from './activities/restore';
import { failureText } from '../shared/failures';
import { longRunning, persistent } from '../shared/profiles';
import type { StepLog } from '../shared/steps';

export const longAct = proxyActivities<Activities>(longRunning);
export const shortAct = proxyActivities<Activities>(persistent);

export interface RestoreTarget {
  database: string; // config name: the server
  backupId: string;
  name: string; // the database restored into
  timescaleVersion?: string; // the backup has TimescaleDB: extension + pre/post-restore hooks, no parallel restore
  jobs: number;
}

/** Sizes and sha256 of every file, then `pg_restore --list`; returns problems (none = ok) and the time it took. */
export async function verifyBackup(
  steps: StepLog,
  backupId: string,
): Promise<{ problems: string[]; durationMs: number }> {
  steps.begin('verify backup checksums');
  const v = await longAct.restoreVerifyBackup(backupId);
  steps.end(
    'verify backup checksums',
    v.ok ? 'ok' : 'failed',
    v.ok ? `${backupId}: every file matches its sha256` : v.problems.join('; '),
  );
  return { problems: v.problems, durationMs: v.durationMs };
}

/** Fresh database → pg_restore --exit-on-error → (TimescaleDB post-restore) → exact row counts vs the manifest. */
export async function restoreInto(steps: StepLog, t: RestoreTarget): Promise<{ restoreMs: number; check: RowCheck }> {
  const ts = Boolean(t.timescaleVersion);
  await steps.step(`create database ${JSON.stringify(t.name)}${ts ? ' (TimescaleDB pre-restore)' : ''}`, () =>
    shortAct.restoreCreateDatabase({
      database: t.database,
      name: t.name,
      ...(ts ? { timescaleVersion: t.timescaleVersion } : {}),
    }),
  );
  const { durationMs: restoreMs } = await steps.step(`pg_restore ${t.backupId} (jobs ${t.jobs})`, () =>
    longAct.restoreRunArchive({ database: t.database, name: t.name, backupId: t.backupId, jobs: t.jobs }),
  );
  if (ts)
    await steps.step('TimescaleDB post-restore', () =>
      shortAct.restoreFinishDatabase({ database: t.database, name: t.name, timescale: true }),
    );
  steps.begin('verify row counts');
  const check = await longAct.restoreCountRows({ database: t.database, name: t.name, backupId: t.backupId });
  const bad = check.tables.filter((x) => x.actual !== x.expected);
  steps.end(
    'verify row counts',
    check.ok ? 'ok' : 'failed',
    check.ok
      ? `${check.tables.length} tables, ${check.rows} rows as in the manifest`
      : bad.map((x) => `${x.table}: ${x.actual ?? 'missing'} (manifest ${x.expected})`).join('; '),
  );
  return { restoreMs, check };
}

/** Compensation: drops a database we created, even when the workflow is being cancelled. False if it could not. */
export async function dropDatabase(
  steps: StepLog,
  database: string,
  name: string,
): Promise<{ dropped: boolean; error?: string }> {
  return CancellationScope.nonCancellable(async () => {
    steps.begin(`drop ${JSON.stringify(name)}`);
    try {
      await shortAct.restoreDropDatabase({ database, name });
      steps.end(`drop ${JSON.stringify(name)}`, 'ok');
      return { dropped: true };
    } catch (err) {
      steps.end(`drop ${JSON.stringify(name)}`, 'failed', failureText(err));
      return { dropped: false, error: failureText(err) };
    }
  });
}
