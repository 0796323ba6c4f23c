/** What the backup/restore activities build from the config: the catalogue, pg tools, a server's admin connection. */
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { backupsDir } from '../config';
import { readSecret, type AtcConfig, type DatabaseConfig } from '../../../config';
import { BadInputError, PermanentError } from '../../../errors';
import { createBackupStore, type BackupStore } from '../../../integrations/backupStore';
import { createPgAdmin, type PgAdmin } from '../../../integrations/pgAdmin';
import type { PgConn } from '../../../integrations/pgChild';
import { createPgTools, type PgTools } from '../../../integrations/pgTools';

export interface BackupKit {
  store: BackupStore;
  tools: PgTools;
  source(database: string): { config: DatabaseConfig; conn: PgConn; admin: PgAdmin };
}

export function backupKit(config: AtcConfig): BackupKit {
  return {
    store: createBackupStore(backupsDir(config)),
    tools: createPgTools(config.backups.pgBinDir),
    source(database) {
      const db = Object.prototype.hasOwnProperty.call(config.databases, database)
        ? config.databases[database]
        : undefined;
      if (!db)
        throw new BadInputError(
          `unknown database ${JSON.stringify(database)} (configured: ${Object.keys(config.databases).sort().join(', ') || 'none'})`,
        );
      let password: string | undefined;
      try {
        password = readSecret(db.password);
      } catch (err) {
        throw new PermanentError(
          `database ${database}: cannot read its password (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      const conn = { host: db.host, port: db.port, user: db.user, database: db.database, password };
      const admin = createPgAdmin({ ...conn, maintenanceDatabase: config.backups.maintenanceDatabase });
      return { config: db, conn, admin };
    },
  };
}

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside a worker (tests, bench)
  }
}

/** Heartbeats every `ms` with fresh details while `work` runs; the SDK throttles what reaches the server. */
export async function withHeartbeats<T>(details: () => unknown, work: () => Promise<T>, ms = 2000): Promise<T> {
  const ctx = activityContext();
  ctx?.heartbeat(details());
  const timer = setInterval(() => ctx?.heartbeat(details()), ms);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** After a cancelled child: the failure the SDK reports as "cancelled" (not failed, not retried). */
export function throwIfCancelled(what: string): void {
  if (activityContext()?.cancellationSignal.aborted) throw new CancelledFailure(`${what} cancelled`);
}
