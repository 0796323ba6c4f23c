/**
 * Activities of the backup runbook. backupRun is idempotent across a worker killed at any point: the backup id
 * comes from the workflow; a published backup of the same workflow is returned as is; staging folders of the id
 * (and a pg_dump a killed worker left running) are removed before a new attempt.
 */
import * as path from 'node:path';
import type { ActivityDeps } from '../../shared/deps';
import { activityContext, backupKit, throwIfCancelled, withHeartbeats } from './kit';
import { PermanentError } from '../../../errors';
import { retentionPlan, type BackupManifest } from '../../../integrations/backupManifest';
import { PID_FILE } from '../../../integrations/backupStore';
import {
  countRows,
  describeDatabase,
  dumpFormatFor,
  exportSnapshot,
  hasTimescale,
  tableKey,
} from '../../../integrations/pgCatalog';
import type { FileDigest } from '../../../integrations/pgTools';
import type { Notification } from '../../../integrations/notifier';

export interface BackupSummary {
  backupId: string;
  database: string;
  format: BackupManifest['format'];
  timescaledb: boolean;
  dumpBytes: number;
  databaseBytes: number;
  tables: number;
  rows: number;
  sha256: string[]; // one per file
  durationMs: number;
}

export const summarize = (m: BackupManifest): BackupSummary => ({
  backupId: m.id,
  database: m.database,
  format: m.format,
  timescaledb: m.timescaledb,
  dumpBytes: m.dumpBytes,
  databaseBytes: m.databaseBytes,
  tables: m.tables.length,
  rows: m.tables.reduce((n, t) => n + t.rows, 0),
  sha256: m.files.map((f) => f.sha256),
  durationMs: m.durationMs,
});

/** Every plain table of the manifest must have its TABLE DATA entry in `pg_restore --list`. */
export function missingTableData(toc: string[], tables: { schema: string; name: string; kind: string }[]): string[] {
  const data = toc.filter((l) => / TABLE DATA /.test(l));
  return tables
    .filter((t) => t.kind === 'table' && !data.some((l) => l.includes(` TABLE DATA ${t.schema} ${t.name} `)))
    .map(tableKey);
}

export function createBackupActivities(deps: ActivityDeps) {
  const kit = () => backupKit(deps.config);
  return {
    async backupRun(input: { database: string; backupId: string; workflowId: string }): Promise<BackupSummary> {
      const k = kit();
      const { store, tools } = k;
      const src = k.source(input.database);
      const done = await store.read(input.backupId);
      if (done.ok) {
        if (done.manifest.workflowId === input.workflowId) return summarize(done.manifest); // published before a worker kill
        throw new PermanentError(`backup id ${input.backupId} is already used by ${done.manifest.workflowId}`);
      }
      await store.clearStaging(input.backupId);
      const staging = await store.newStaging(input.backupId, activityContext()?.info.attempt ?? 1);
      const local = new AbortController();
      const cancelled = activityContext()?.cancellationSignal;
      cancelled?.addEventListener('abort', () => local.abort(), { once: true });
      const progress = { bytes: 0 };
      const started = new Date();
      try {
        const versions = await tools.versions();
        const dumped = await withHeartbeats(
          () => ({ bytes: progress.bytes }),
          () =>
            src.admin.withDatabase(src.config.database, async (sql) => {
              const snapshot = await exportSnapshot(sql); // the counts and pg_dump see the same data
              const info = await describeDatabase(sql);
              const timescale = Boolean(hasTimescale(info.extensions));
              const format = dumpFormatFor(info.extensions, deps.config.backups.format);
              const control = { snapshot, signal: local.signal, pidFile: path.join(staging, PID_FILE), progress };
              const dumping: Promise<FileDigest[]> =
                format === 'custom'
                  ? tools.dumpCustom(src.conn, path.join(staging, 'dump.pgdump'), control).then((f) => [f])
                  : tools.dumpDirectory(src.conn, path.join(staging, 'dump'), {
                      ...control,
                      jobs: deps.config.backups.dumpJobs,
                    });
              const counting = countRows(sql, info.tables).catch((err: unknown) => {
                local.abort(); // stop the dump at once
                throw err;
              });
              const [files, rows] = await Promise.all([dumping, counting]).catch(async (err: unknown) => {
                local.abort();
                await Promise.allSettled([dumping]); // the child is gone before the folder is removed
                throw err;
              });
              await sql.query('COMMIT');
              return { info, timescale, format, files, rows };
            }),
        );
        const archive = dumped.format === 'custom' ? 'dump.pgdump' : 'dump';
        const toc = await tools.listArchive(path.join(staging, archive));
        const missing = missingTableData(toc, dumped.info.tables);
        if (missing.length) throw new PermanentError(`pg_restore --list: no TABLE DATA for ${missing.join(', ')}`);
        const finished = new Date();
        const manifest: BackupManifest = {
          formatVersion: 1,
          id: input.backupId,
          database: input.database,
          databaseName: src.config.database,
          host: src.config.host,
          port: src.config.port,
          workflowId: input.workflowId,
          serverVersion: dumped.info.serverVersion,
          encoding: dumped.info.encoding,
          extensions: dumped.info.extensions,
          timescaledb: dumped.timescale,
          tables: dumped.info.tables.map((t) => ({ ...t, rows: dumped.rows[tableKey(t)] ?? 0 })),
          databaseBytes: dumped.info.databaseBytes,
          format: dumped.format,
          archive,
          files: dumped.files,
          dumpBytes: dumped.files.reduce((n, f) => n + f.bytes, 0),
          tocEntries: toc.length,
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
          durationMs: finished.getTime() - started.getTime(),
          tools: versions,
        };
        await store.publish(staging, manifest);
        return summarize(manifest);
      } catch (err) {
        await store.clearStaging(input.backupId);
        throwIfCancelled(`backup ${input.backupId} (pg_dump stopped, partial backup removed)`);
        throw err;
      }
    },

    /** Compensation: removes what a cancelled or failed attempt left in staging (idempotent). */
    async backupDiscard(backupId: string): Promise<number> {
      return kit().store.clearStaging(backupId);
    },

    /** Retention of one database's backups; never removes `keep`. Returns the removed ids. */
    async backupApplyRetention(input: { database: string; keep: string }): Promise<string[]> {
      const { store } = kit();
      const { backups } = await store.list(input.database);
      const remove = retentionPlan(backups, deps.config.backups.retention, [input.keep]);
      for (const id of remove) await store.remove(id);
      return remove;
    },

    async backupNotify(n: Notification): Promise<void> {
      await deps.notifier.notify(n);
    },
  };
}
