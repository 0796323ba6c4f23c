/**
 * Helpers of the backup/restore integration tests on the rig's PostgreSQL: a config copy with extra databases and a
 * data folder of its own, an in-process worker on a private task queue, test databases (any name), and the content
 * checksum of every table: md5(string_agg(t::text, ',' ORDER BY t::text)).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { parse, stringify } from 'yaml';
import { loadConfig, type AtcConfig } from '../../../src/config';
import { quoteIdent } from '../../../src/integrations/pgAdmin';
import { startWorker, type WorkerHandle } from '../../../src/worker';
import { bundlePath } from '../../support/paths';
import { rigState } from '../../support/rig';

export const pgPassword = () => readFileSync(path.join(rigState().dir, 'secrets', 'pg-password'), 'utf8').trim();

export async function withPg<T>(database: string, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = new PgClient({
    host: '127.0.0.1',
    port: rigState().ports.postgres,
    user: 'atc',
    password: pgPassword(),
    database,
  });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const dropDb = (name: string) =>
  withPg('postgres', (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
export async function createDb(name: string, setup: string): Promise<void> {
  await dropDb(name);
  await withPg('postgres', (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  if (setup) await withPg(name, (c) => c.query(setup));
}
export const databasesLike = (pattern: string) =>
  withPg('postgres', async (c) =>
    (
      await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1', [pattern])
    ).rows.map((r) => r.datname),
  );

/** Per user table: exact rows and the md5 of its content; `upTo` limits a table to rows with ts <= the given time. */
export async function tableChecksums(
  database: string,
  upTo: Record<string, Date> = {},
): Promise<Record<string, { rows: number; md5: string }>> {
  return withPg(database, async (c) => {
    const tables = await c.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2`,
    );
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const t of tables.rows) {
      const key = `${t.schema}.${t.name}`;
      const where = upTo[key] ? ' WHERE t.ts <= $1' : '';
      const r = await c.query<{ rows: string; md5: string }>(
        `SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS md5 FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)} t${where}`,
        upTo[key] ? [upTo[key]] : [],
      );
      out[key] = { rows: Number(r.rows[0]!.rows), md5: r.rows[0]!.md5 };
    }
    return out;
  });
}

export interface TestSetup {
  configPath: string;
  config: AtcConfig;
  taskQueue: string;
}

/** A copy of the rig's config: extra databases, a data folder of its own (unless keepDataDir), a private task queue. */
export function writeTestConfig(
  name: string,
  mutate: (raw: Record<string, Record<string, unknown>>) => void,
  opts: { keepDataDir?: boolean } = {},
): TestSetup {
  const state = rigState();
  const raw = parse(readFileSync(state.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const taskQueue = `${name}-${randomUUID().slice(0, 8)}`;
  raw.temporal!.taskQueue = taskQueue;
  raw.server!.port = 0;
  if (!opts.keepDataDir) (raw as Record<string, unknown>).dataDir = path.join(state.home, 'it-backup', taskQueue);
  mutate(raw);
  mkdirSync(path.join(state.home, 'it-backup'), { recursive: true });
  const configPath = path.join(state.home, 'it-backup', `${taskQueue}.yaml`);
  writeFileSync(configPath, stringify(raw));
  return { configPath, config: loadConfig(configPath), taskQueue };
}

/** The rig's database entry, pointing at another PostgreSQL database name. */
export function dbEntry(
  raw: Record<string, Record<string, unknown>>,
  database: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...(raw.databases!.trading as Record<string, unknown>), database, ...extra };
}

export async function inProcessWorker(setup: TestSetup): Promise<WorkerHandle> {
  return startWorker(setup.config, { taskQueue: setup.taskQueue, workflowBundle: { codePath: bundlePath() } });
}

/** pids of pg_dump / pg_restore processes whose command line mentions `needle`. */
export async function pgToolPids(needle: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (/pg_dump|pg_restore/.test(cmd) && cmd.includes(needle)) pids.push(Number(p));
  }
  return pids;
}
