/**
 * What a backup records about a database and what a restore checks (no Temporal imports): server version,
 * extensions, user tables with exact row counts, sizes; and the TimescaleDB restore hooks. Everything takes a
 * SqlExec so the TimescaleDB path (not installed on the rig) is testable with a stub.
 */
import { quoteIdent, quoteLiteral, type SqlExec } from './pgAdmin';

export interface Extension {
  name: string;
  version: string;
}
export interface TableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned';
  bytes: number;
}
export interface DatabaseInfo {
  serverVersion: string;
  encoding: string;
  databaseBytes: number;
  extensions: Extension[];
  tables: TableInfo[];
}

export const TIMESCALEDB = 'timescaledb';

/** User tables: not catalogs, not TimescaleDB's internal chunks (their rows count in the hypertable), not owned by an extension. */
const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, pg_total_relation_size(c.oid) AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2`;

export async function describeDatabase(sql: SqlExec): Promise<DatabaseInfo> {
  // One after the other: a pg connection runs one query at a time.
  const version = await sql.query<{ server_version: string }>('SHOW server_version');
  const db = await sql.query<{ bytes: string; encoding: string }>(
    'SELECT pg_database_size(current_database()) AS bytes, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()',
  );
  const exts = await sql.query<{ name: string; version: string }>(
    'SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY 1',
  );
  const tables = await sql.query<{ schema: string; name: string; kind: string; bytes: string }>(TABLES_SQL);
  return {
    serverVersion: version.rows[0]?.server_version ?? 'unknown',
    encoding: db.rows[0]?.encoding ?? 'unknown',
    databaseBytes: Number(db.rows[0]?.bytes ?? 0),
    extensions: exts.rows,
    tables: tables.rows.map((t) => ({
      schema: t.schema,
      name: t.name,
      kind: t.kind === 'p' ? 'partitioned' : 'table',
      bytes: Number(t.bytes),
    })),
  };
}

export const tableKey = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/** Exact row counts (count(*)), one table after the other on this connection (and so in its snapshot). */
export async function countRows(
  sql: SqlExec,
  tables: { schema: string; name: string }[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const r = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`);
    counts[tableKey(t)] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Starts a read-only repeatable-read transaction and exports its snapshot (pg_dump --snapshot uses the same view). */
export async function exportSnapshot(sql: SqlExec): Promise<string> {
  await sql.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const r = await sql.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  return r.rows[0]!.id;
}

export function hasTimescale(extensions: Extension[]): Extension | undefined {
  return extensions.find((e) => e.name === TIMESCALEDB);
}

/** TimescaleDB databases are always dumped in custom format (one pg_dump, no -j); others as configured. */
export function dumpFormatFor(extensions: Extension[], configured: 'custom' | 'directory'): 'custom' | 'directory' {
  return hasTimescale(extensions) ? 'custom' : configured;
}

/** TimescaleDB backups are restored without parallel jobs (its catalog must be restored in order). */
export function restoreJobsFor(timescale: boolean, configured: number): number {
  return timescale ? 1 : configured;
}

/** TimescaleDB before pg_restore: the extension at the dumped version, then timescaledb_pre_restore(). */
export async function timescalePreRestore(sql: SqlExec, version: string): Promise<void> {
  await sql.query(`CREATE EXTENSION IF NOT EXISTS ${TIMESCALEDB} VERSION ${quoteLiteral(version)}`);
  await sql.query('SELECT timescaledb_pre_restore()');
}

/** TimescaleDB after pg_restore: timescaledb_post_restore() (turns restoring mode off, restarts background workers). */
export async function timescalePostRestore(sql: SqlExec): Promise<void> {
  await sql.query('SELECT timescaledb_post_restore()');
}
