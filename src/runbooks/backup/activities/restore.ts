/**
 * Activities of the restore and restore-test runbooks, before anything is created: resolve and verify a backup
 * (sizes, sha256, pg_restore --list), plan the target (exists? open connections? protected? approvers?).
 * The database work itself is in restoreDatabase.ts.
 */
import * as path from 'node:path';
import type { ActivityDeps } from '../../shared/deps';
import { backupKit, withHeartbeats } from './kit';
import { missingTableData } from './backup';
import { shortHash } from './restoreDatabase';
import { durationMs } from '../../../config';
import { BadInputError } from '../../../errors';
import { restoreJobsFor } from '../../../integrations/pgCatalog';

export type { RowCheck } from './restoreDatabase';

export type ResolvedBackup =
  | {
      ok: true;
      backupId: string;
      database: string;
      timescaleVersion?: string;
      tables: number;
      rows: number;
      finishedAt: string;
      dumpBytes: number;
    }
  | { ok: false; reason: string };

export interface TargetPlan {
  exists: boolean;
  connections: number;
  protectedBecause: string[]; // empty = not protected
  approvers: string[]; // empty = anyone but the requester
  approvalTimeoutMs: number;
  staging: string; // restore goes here first, then is renamed to the target
  aside: string; // an overwritten target is renamed here, then dropped
  jobs: number;
}

export function createRestoreActivities(deps: ActivityDeps) {
  const kit = () => backupKit(deps.config);

  return {
    async restoreResolveBackup(input: { database: string; backup: string }): Promise<ResolvedBackup> {
      const { store } = kit();
      kit().source(input.database); // an unknown database is bad input
      let m;
      if (input.backup === 'latest') {
        m = (await store.list(input.database)).backups[0];
        if (!m) return { ok: false, reason: `no complete backup of ${input.database} in ${store.dir}` };
      } else {
        const r = await store.read(input.backup);
        if (!r.ok) return r;
        m = r.manifest;
        if (m.database !== input.database)
          return { ok: false, reason: `backup ${m.id} is of database ${m.database}, not ${input.database}` };
      }
      const ts = m.extensions.find((e) => e.name === 'timescaledb');
      const rows = m.tables.reduce((n, t) => n + t.rows, 0);
      return {
        ok: true,
        backupId: m.id,
        database: m.database,
        timescaleVersion: ts?.version,
        tables: m.tables.length,
        rows,
        finishedAt: m.finishedAt,
        dumpBytes: m.dumpBytes,
      };
    },

    /** Sizes and sha256 of every file against the manifest, then `pg_restore --list`. Problems are returned. */
    async restoreVerifyBackup(backupId: string): Promise<{ ok: boolean; problems: string[]; durationMs: number }> {
      const started = Date.now();
      const { store, tools } = kit();
      const r = await store.read(backupId);
      if (!r.ok) return { ok: false, problems: [r.reason], durationMs: Date.now() - started };
      const problems = await withHeartbeats(
        () => ({ backupId }),
        () => store.verify(r.manifest),
      );
      if (!problems.length) {
        const toc = await tools
          .listArchive(path.join(store.folder(backupId), r.manifest.archive))
          .catch((err: Error) => err);
        if (toc instanceof Error) problems.push(`pg_restore --list cannot read the archive: ${toc.message}`);
        else if (missingTableData(toc, r.manifest.tables).length)
          problems.push(
            `pg_restore --list: TABLE DATA missing for ${missingTableData(toc, r.manifest.tables).join(', ')}`,
          );
      }
      return { ok: problems.length === 0, problems, durationMs: Date.now() - started };
    },

    async restorePlanTarget(input: {
      environment: string;
      database: string;
      target: string;
      workflowId: string;
      timescale: boolean;
    }): Promise<TargetPlan> {
      const env = deps.config.environments[input.environment];
      if (!env) throw new BadInputError(`unknown environment ${input.environment}`);
      const src = kit().source(input.database);
      const protectedBecause: string[] = [];
      if (env.protected) protectedBecause.push(`environment ${input.environment} is protected`);
      for (const [name, db] of Object.entries(deps.config.databases)) {
        if (db.protected && db.database === input.target && db.host === src.config.host && db.port === src.config.port)
          protectedBecause.push(`database ${name} is protected`);
      }
      const exists = await src.admin.exists(input.target);
      const h = shortHash(input.workflowId);
      return {
        exists,
        connections: exists ? await src.admin.connections(input.target) : 0,
        protectedBecause,
        approvers: env.approvers,
        approvalTimeoutMs: durationMs(env.approvalTimeout),
        staging: `atc_restoring_${h}`,
        aside: `atc_replaced_${h}`,
        jobs: restoreJobsFor(input.timescale, deps.config.backups.restoreJobs),
      };
    },
  };
}
