/** PostgreSQL through pg: one pool per configured database (TimescaleDB is PostgreSQL plus an extension). */
import { DatabaseError, Pool } from 'pg';
import type { DatabaseConfig } from '../config';
import type { SecretReader } from './notifier';
import {
  BadInputError,
  PermanentError,
  TransientError,
  UnreachableError,
  errorMessage,
  isConnectionError,
} from '../errors';

export interface SqlRows<T = Record<string, unknown>> {
  rows: T[];
  rowCount: number;
}
export interface SqlDatabases {
  query<T = Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<SqlRows<T>>;
  serverVersion(database: string): Promise<string>;
  close(): Promise<void>;
}

const POOL_MAX = 4;
const CONNECT_TIMEOUT_MS = 5000;
const IDLE_TIMEOUT_MS = 30_000;

/** SQLSTATEs that mean "try again": connection exceptions, shutdown/startup, too many connections, conflicts. */
function isTransientSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03'].includes(code);
}

/** Maps a pg/network error; `where` names the database (config name, host, port), never the password. */
export function toSqlError(err: unknown, where: string): Error {
  const code = (err as { code?: unknown }).code;
  const message = errorMessage(err);
  if (err instanceof DatabaseError && typeof code === 'string') {
    const text = `${where}: ${message} (SQLSTATE ${code})`;
    if (code === '57P03' || code.startsWith('08')) return new UnreachableError(text);
    return isTransientSqlState(code) ? new TransientError(text) : new PermanentError(text);
  }
  if (isConnectionError(err) || /timeout|terminated|ENOTFOUND|EAI_AGAIN/i.test(`${message} ${String(code ?? '')}`)) {
    return new UnreachableError(`${where}: cannot connect (${typeof code === 'string' ? code : message})`);
  }
  return new PermanentError(`${where}: ${message}`);
}

export function createSqlDatabases(dbs: Record<string, DatabaseConfig>, secret: SecretReader): SqlDatabases {
  const pools = new Map<string, Pool>();

  function describe(name: string): string {
    const c = dbs[name];
    return c ? `database ${name} (${c.database} at ${c.host}:${c.port})` : `database ${name}`;
  }

  function poolFor(name: string): Pool {
    const existing = pools.get(name);
    if (existing) return existing;
    const config = Object.prototype.hasOwnProperty.call(dbs, name) ? dbs[name] : undefined;
    if (!config) {
      const known = Object.keys(dbs).sort().join(', ') || 'none';
      throw new BadInputError(`unknown database ${JSON.stringify(name)} (configured: ${known})`);
    }
    let password: string | undefined;
    try {
      password = secret(config.password);
    } catch (err) {
      throw new PermanentError(
        `${describe(name)}: cannot read its password (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const pool = new Pool({
      host: config.host,
      port: config.port,
      user: config.user,
      database: config.database,
      password,
      max: POOL_MAX,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      allowExitOnIdle: true,
      application_name: 'atc-ops',
    });
    // An idle client losing its connection emits 'error' on the pool; without a listener that would crash the process.
    pool.on('error', () => undefined);
    pools.set(name, pool);
    return pool;
  }

  async function query<T>(database: string, sql: string, params?: unknown[]): Promise<SqlRows<T>> {
    const pool = poolFor(database);
    try {
      const result = await pool.query(sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    } catch (err) {
      throw toSqlError(err, describe(database));
    }
  }

  return {
    query,
    async serverVersion(database) {
      const { rows } = await query<{ server_version: string }>(database, 'SHOW server_version');
      const version = rows[0]?.server_version;
      if (!version) throw new PermanentError(`${describe(database)}: SHOW server_version returned nothing`);
      return version;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((p) => p.end()));
    },
  };
}
