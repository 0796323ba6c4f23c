/**
 * <dataDir>/state/restore-test.json: the last restore-test run and the last success per database. Written by the
 * restore-test activities (tmp + rename), read by the service's /metrics at scrape time
 * (atc_restore_test_last_success_timestamp_seconds{database}).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface RestoreTestDbState {
  lastRun: string; // ISO
  lastOutcome: 'ok' | 'failed';
  lastSuccess?: string; // ISO
  backupId?: string;
  workflowId: string;
  reason?: string;
}
export interface RestoreTestState {
  databases: Record<string, RestoreTestDbState>;
}

export async function readRestoreTestState(file: string): Promise<RestoreTestState> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<RestoreTestState>;
    return { databases: raw.databases && typeof raw.databases === 'object' ? raw.databases : {} };
  } catch {
    return { databases: {} }; // none yet (or unreadable): no sample, and the alert rule's absent() branch applies
  }
}

export interface RestoreTestRun {
  database: string;
  ok: boolean;
  at: string; // ISO, when this database's test finished
  backupId?: string;
  reason?: string;
}

/** Merges this run's outcomes into the state file; a failure keeps the previous lastSuccess. */
export async function recordRestoreTestRuns(
  file: string,
  workflowId: string,
  runs: RestoreTestRun[],
): Promise<RestoreTestState> {
  const state = await readRestoreTestState(file);
  for (const r of runs) {
    const before = state.databases[r.database];
    const lastSuccess = r.ok ? r.at : before?.lastSuccess;
    state.databases[r.database] = {
      lastRun: r.at,
      lastOutcome: r.ok ? 'ok' : 'failed',
      workflowId,
      ...(lastSuccess ? { lastSuccess } : {}),
      ...(r.backupId ? { backupId: r.backupId } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    };
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, file);
  return state;
}

/** Gauge samples: last success time in seconds per database. */
export async function lastSuccessSeconds(file: string): Promise<Record<string, number>> {
  const state = await readRestoreTestState(file);
  const out: Record<string, number> = {};
  for (const [db, s] of Object.entries(state.databases)) {
    const t = s.lastSuccess ? Date.parse(s.lastSuccess) : NaN;
    if (Number.isFinite(t)) out[db] = t / 1000;
  }
  return out;
}
