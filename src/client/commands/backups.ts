/** `atc backups [--database D] [--json]`: the backup catalogue (folders with a valid manifest), newest first. */
import { backupsDir } from '../../runbooks/backup/config';
import { BadInputError } from '../../errors';
import { createBackupStore } from '../../integrations/backupStore';
import type { Ctx, Verb } from '../context';

async function backupsCommand(ctx: Ctx): Promise<number> {
  if (ctx.positionals.length)
    throw new BadInputError(`unexpected arguments: ${ctx.positionals.join(' ')}\n${ctx.usage()}`);
  const config = ctx.config();
  const database = typeof ctx.flags.database === 'string' ? ctx.flags.database : undefined;
  if (database && !(database in config.databases))
    throw new BadInputError(
      `unknown database ${database} (configured: ${Object.keys(config.databases).join(', ') || 'none'})`,
    );
  const store = createBackupStore(backupsDir(config));
  const { backups, incomplete } = await store.list(database);
  if (ctx.flags.json) {
    const rows = backups.map((m) => ({
      id: m.id,
      database: m.database,
      databaseName: m.databaseName,
      finishedAt: m.finishedAt,
      format: m.format,
      dumpBytes: m.dumpBytes,
      databaseBytes: m.databaseBytes,
      tables: m.tables.length,
      rows: m.tables.reduce((n, t) => n + t.rows, 0),
      serverVersion: m.serverVersion,
      timescaledb: m.timescaledb,
      path: store.folder(m.id),
    }));
    ctx.out(JSON.stringify({ dir: store.dir, backups: rows, incomplete }, null, 2));
    return 0;
  }
  if (!backups.length) ctx.out(`no backups${database ? ` of ${database}` : ''} in ${store.dir}`);
  for (const m of backups) {
    const rows = m.tables.reduce((n, t) => n + t.rows, 0);
    ctx.out(
      `${m.id.padEnd(40)} ${m.finishedAt}  ${`${(m.dumpBytes / 1e6).toFixed(1)} MB`.padStart(10)} ${m.format.padEnd(9)} ${String(m.tables.length).padStart(3)} tables ${String(rows).padStart(10)} rows`,
    );
  }
  for (const i of incomplete) ctx.out(`(not in the catalogue) ${i.id}: ${i.reason}`);
  return 0;
}

export const backupsVerb: Verb = {
  name: 'backups',
  summary: 'the backup catalogue, newest first',
  flags: { database: { type: 'string', value: 'D', help: 'only the backups of this database' } },
  json: true,
  run: backupsCommand,
};
