/**
 * Database-level operations for backup/restore on any database name (no Temporal imports): exists, create
 * (from template0: really fresh), drop, rename, open connections, and SQL inside one database. Identifiers are
 * always quoted, names travel as parameters or in the startup packet, never spliced unquoted into SQL.
 */
import { Client } from 'pg';
import { toSqlError } from './postgres';

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password?: string;
  maintenanceDatabase: string; // where CREATE/DROP/ALTER DATABASE run
}

export interface SqlExec {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface PgAdmin {
  exists(db: string): Promise<boolean>;
  create(db: string): Promise<void>;
  drop(db: string): Promise<void>; // IF EXISTS, WITH (FORCE): ends our own leftover sessions (e.g. of a killed pg_restore)
  rename(from: string, to: string): Promise<void>;
  connections(db: string): Promise<number>;
  withDatabase<T>(db: string, fn: (sql: SqlExec) => Promise<T>): Promise<T>;
}

export const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
export const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const CONNECT_TIMEOUT_MS = 10_000;

export function createPgAdmin(server: PgServer): PgAdmin {
  const where = (db: string) => `PostgreSQL at ${server.host}:${server.port}, database ${JSON.stringify(db)}`;

  async function withDatabase<T>(db: string, fn: (sql: SqlExec) => Promise<T>): Promise<T> {
    const client = new Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: db,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'atc-ops',
    });
    client.on('error', () => undefined); // a dropped idle connection must not crash the worker
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw toSqlError(err, where(db));
    }
    const sql: SqlExec = {
      async query<R>(text: string, params?: unknown[]) {
        try {
          const r = await client.query(text, params);
          return { rows: r.rows as R[] };
        } catch (err) {
          throw toSqlError(err, where(db));
        }
      },
    };
    try {
      return await fn(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const maint = <T>(fn: (sql: SqlExec) => Promise<T>) => withDatabase(server.maintenanceDatabase, fn);

  return {
    exists: (db) =>
      maint(async (sql) => (await sql.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rows.length > 0),
    create: (db) =>
      maint(async (sql) => void (await sql.query(`CREATE DATABASE ${quoteIdent(db)} TEMPLATE template0`))),
    drop: (db) =>
      maint(async (sql) => void (await sql.query(`DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`))),
    rename: (from, to) =>
      maint(async (sql) => void (await sql.query(`ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`))),
    connections: (db) =>
      maint(async (sql) =>
        Number(
          (await sql.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [db]))
            .rows[0]?.n ?? 0,
        ),
      ),
    withDatabase,
  };
}
