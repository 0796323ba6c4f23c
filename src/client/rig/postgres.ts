/** PostgreSQL 15 for the rig (stands in for TimescaleDB): initdb as `postgres`, start on a free port, seed. */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { MLFLOW_SCHEMA, TRADING_SCHEMA, TRADING_SEED } from './seed';
import { run, startDaemon, waitFor } from './processes';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const RIG_DB_USER = 'atc';
export const SIM_DB_USER = 'sim';

/** The data folder lives outside the work tree: postgres must be able to traverse every parent folder. */
export function pgDataRoot(home: string): string {
  return path.join('/var/tmp', `atc-pg-${createHash('sha1').update(home).digest('hex').slice(0, 10)}`);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).trim());
  return { uid, gid };
}

/** Creates the cluster once (idempotent) and returns the password file of the `atc` role. */
export async function initPostgres(home: string, secretsDir: string): Promise<string> {
  const root = pgDataRoot(home);
  const data = path.join(root, 'data');
  const ids = await postgresIds();
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(secretsDir, 'pg-password');
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  if (existsSync(path.join(data, 'PG_VERSION'))) return pwFile;
  mkdirSync(path.join(root, 'sock'), { recursive: true });
  for (const dir of [root, path.join(root, 'sock')]) chownSync(dir, ids.uid, ids.gid);
  await run(
    path.join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync'],
    { ...ids, cwd: root },
  );
  const hba = [
    'local all all trust',
    `host all ${SIM_DB_USER} 127.0.0.1/32 trust`,
    'host all all 127.0.0.1/32 scram-sha-256',
    '',
  ].join('\n');
  writeFileSync(path.join(data, 'pg_hba.conf'), hba);
  chownSync(path.join(data, 'pg_hba.conf'), ids.uid, ids.gid);
  chmodSync(path.join(data, 'pg_hba.conf'), 0o600);
  return pwFile;
}

export async function startPostgres(home: string, port: number, logDir: string): Promise<number> {
  const root = pgDataRoot(home);
  const ids = await postgresIds();
  const args = [
    '-D',
    path.join(root, 'data'),
    '-p',
    String(port),
    '-k',
    path.join(root, 'sock'),
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  args.push(
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  );
  return startDaemon({ name: 'postgres', command: path.join(PG_BIN, 'postgres'), args, logDir, cwd: root, ...ids });
}

function superuser(home: string, port: number, database = 'postgres'): Client {
  return new Client({ host: path.join(pgDataRoot(home), 'sock'), port, user: 'postgres', database });
}

export async function waitPostgresReady(home: string, port: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'PostgreSQL',
    async () => {
      const c = superuser(home, port);
      await c.connect();
      await c.end();
      return true;
    },
    timeoutMs,
  );
}

/** Roles `atc` (password) and `sim` (trusted on loopback, writes bars), databases `trading` and `mlflow`, seeded. */
export async function seedPostgres(home: string, port: number, pwFile: string): Promise<void> {
  const su = superuser(home, port);
  await su.connect();
  try {
    const password = readFileSync(pwFile, 'utf8').trim();
    const roles = await su.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [
      [RIG_DB_USER, SIM_DB_USER],
    ]);
    const have = new Set(roles.rows.map((r) => r.rolname));
    if (!have.has(RIG_DB_USER)) await su.query(`CREATE ROLE ${RIG_DB_USER} LOGIN CREATEDB`);
    // Always (re)set: the cluster lives outside the work tree and may outlive the secrets folder of a fresh clone.
    await su.query(`ALTER ROLE ${RIG_DB_USER} PASSWORD ${quoteLiteral(password)}`);
    if (!have.has(SIM_DB_USER)) await su.query(`CREATE ROLE ${SIM_DB_USER} LOGIN`);
    for (const [db, schema, seed] of [
      ['trading', TRADING_SCHEMA, TRADING_SEED],
      ['mlflow', MLFLOW_SCHEMA, ''],
    ] as const) {
      const exists = await su.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (exists.rowCount) continue;
      await su.query(`CREATE DATABASE ${db} OWNER ${RIG_DB_USER}`);
      const c = new Client({ host: path.join(pgDataRoot(home), 'sock'), port, user: RIG_DB_USER, database: db });
      await c.connect();
      try {
        await c.query(schema);
        if (seed) await c.query(seed);
        await c.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${SIM_DB_USER}`);
        await c.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${SIM_DB_USER}`);
      } finally {
        await c.end();
      }
    }
  } finally {
    await su.end();
  }
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
