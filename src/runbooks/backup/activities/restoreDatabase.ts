/**
 * Activities of restore and restore-test that change databases, each checking the state first so that a retry
 * never repeats an effect: create a fresh database (TimescaleDB: extension + pre-restore), pg_restore (a pg_restore
 * a killed worker left running is killed first), post-restore, exact row counts, drop, publish (rename into place)
 * and its compensation.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ActivityDeps } from '../../shared/deps';
import { activityContext, backupKit, throwIfCancelled, withHeartbeats } from './kit';
import { PermanentError } from '../../../errors';
import { killStale } from '../../../integrations/pgChild';
import { countRows, tableKey, timescalePostRestore, timescalePreRestore } from '../../../integrations/pgCatalog';

export interface RowCheck {
  ok: boolean;
  tables: { table: string; expected: number; actual: number | null }[];
  rows: number;
  durationMs: number;
}

export const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);

export function createRestoreDatabaseActivities(deps: ActivityDeps) {
  const kit = () => backupKit(deps.config);
  const admin = (database: string) => kit().source(database).admin;

  return {
    /** A fresh database (a leftover of the same name, ours from a killed attempt, is dropped first); TimescaleDB pre-restore. */
    async restoreCreateDatabase(input: { database: string; name: string; timescaleVersion?: string }): Promise<void> {
      const a = admin(input.database);
      await a.drop(input.name);
      await a.create(input.name);
      if (input.timescaleVersion)
        await a.withDatabase(input.name, (sql) => timescalePreRestore(sql, input.timescaleVersion!));
    },

    async restoreRunArchive(input: {
      database: string;
      name: string;
      backupId: string;
      jobs: number;
    }): Promise<{ durationMs: number }> {
      const started = Date.now();
      const { store, tools } = kit();
      const src = kit().source(input.database);
      const r = await store.read(input.backupId);
      if (!r.ok) throw new PermanentError(r.reason);
      const runDir = path.join(store.dir, '.run');
      await mkdir(runDir, { recursive: true, mode: 0o700 });
      const pidFile = path.join(runDir, `restore-${shortHash(input.name)}.pid`);
      await killStale(pidFile); // a pg_restore a killed worker left running
      const signal = activityContext()?.cancellationSignal;
      try {
        await withHeartbeats(
          () => ({ target: input.name }),
          () =>
            tools.restore(
              { ...src.conn, database: input.name },
              path.join(store.folder(input.backupId), r.manifest.archive),
              { jobs: input.jobs, signal, pidFile },
            ),
        );
      } catch (err) {
        throwIfCancelled(`pg_restore into ${JSON.stringify(input.name)}`);
        throw err;
      }
      return { durationMs: Date.now() - started };
    },

    async restoreFinishDatabase(input: { database: string; name: string; timescale: boolean }): Promise<void> {
      if (input.timescale) await admin(input.database).withDatabase(input.name, (sql) => timescalePostRestore(sql));
    },

    /** Exact row counts of the restored database against the manifest. */
    async restoreCountRows(input: { database: string; name: string; backupId: string }): Promise<RowCheck> {
      const started = Date.now();
      const { store } = kit();
      const r = await store.read(input.backupId);
      if (!r.ok) throw new PermanentError(r.reason);
      const tables = r.manifest.tables;
      const counts = await withHeartbeats(
        () => ({ counting: input.name }),
        () =>
          admin(input.database).withDatabase(input.name, (sql) =>
            countRows(sql, tables).catch(() => countEach(sql, tables)),
          ),
      );
      const rows = tables.map((t) => ({ table: tableKey(t), expected: t.rows, actual: counts[tableKey(t)] ?? null }));
      const actual = rows.reduce((n, t) => n + (t.actual ?? 0), 0);
      return {
        ok: rows.every((t) => t.actual === t.expected),
        tables: rows,
        rows: actual,
        durationMs: Date.now() - started,
      };
    },

    async restoreDropDatabase(input: { database: string; name: string }): Promise<void> {
      await admin(input.database).drop(input.name);
    },

    /** Renames the verified staging database to the target; an existing target is renamed aside first, then dropped. */
    async restorePublish(input: {
      database: string;
      staging: string;
      target: string;
      aside: string;
    }): Promise<{ replaced: boolean }> {
      const a = admin(input.database);
      let replaced = await a.exists(input.aside);
      if (await a.exists(input.staging)) {
        if (await a.exists(input.target)) {
          const n = await a.connections(input.target);
          if (n > 0)
            throw new PermanentError(
              `target ${JSON.stringify(input.target)} has ${n} open connection(s): stop its clients, then restore again`,
            );
          await a.rename(input.target, input.aside);
          replaced = true;
        }
        await a.rename(input.staging, input.target);
      } else if (!(await a.exists(input.target))) {
        throw new PermanentError(
          `neither the restored database ${input.staging} nor the target ${JSON.stringify(input.target)} exists`,
        );
      }
      await a.drop(input.aside);
      return { replaced };
    },

    /** Compensation of a failed publish: an old target renamed aside goes back under its name (idempotent). */
    async restoreRollbackPublish(input: {
      database: string;
      staging: string;
      target: string;
      aside: string;
    }): Promise<boolean> {
      const a = admin(input.database);
      if (!(await a.exists(input.aside)) || (await a.exists(input.target))) return false;
      await a.rename(input.aside, input.target);
      return true;
    },
  };
}

/** When a table of the manifest is missing, count the others and mark it missing (null). */
async function countEach(
  sql: Parameters<typeof countRows>[0],
  tables: { schema: string; name: string }[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) Object.assign(out, await countRows(sql, [t]).catch(() => ({})));
  return out;
}
