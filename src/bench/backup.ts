/**
 * `npm run bench:backup [-- --runs N --rows N]`: on the rig's PostgreSQL, a generated database `bench_big` (about
 * 1 GB; kept and reused) — N runs of: the backup runbook (pg_dump + sha256 while streaming + pg_restore --list +
 * manifest + retention) vs a plain `pg_dump -Fc -f`; the restore-test runbook (checksums + fresh database +
 * pg_restore + row counts + drop) vs a plain createdb + `pg_restore`. Prints medians and ratios (goals ≤ 1.10, ≤ 1.15).
 * Runs the workflows on an in-process worker of its own (task queue bench-<pid>) with a config copy. Not a test.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { loadConfig, readSecret } from '../config';
import { readRigState } from '../client/rig/state';
import { createPgAdmin } from '../integrations/pgAdmin';
import { connString, withPassfile, type PgConn } from '../integrations/pgChild';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startWorker } from '../worker';

const run = promisify(execFile);
const DB = 'bench_big';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const timed = async (fn: () => Promise<unknown>) => {
  const t = Date.now();
  await fn();
  return Date.now() - t;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, rows: { type: 'string', default: '5000000' } },
  });
  const runs = Number(values.runs);
  const state = readRigState();
  if (!state) throw new Error('no rig: run `node bin/atc rig up` first (with the same ATC_HOME)');
  const dir = path.join(state.home, 'bench');
  mkdirSync(dir, { recursive: true });
  const raw = parse(readFileSync(state.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const taskQueue = `bench-${process.pid}`;
  Object.assign(raw.temporal!, { taskQueue });
  Object.assign(raw.databases!, { [DB]: { ...(raw.databases!.trading as object), database: DB } });
  Object.assign(raw, {
    dataDir: path.join(dir, 'data'),
    notify: { channels: [{ type: 'file', path: path.join(dir, 'notifications.jsonl') }] },
  });
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(raw));
  const config = loadConfig(configPath);
  const db = config.databases[DB]!;
  const conn: PgConn = { host: db.host, port: db.port, user: db.user, database: DB, password: readSecret(db.password) };
  const admin = createPgAdmin({ ...conn, maintenanceDatabase: 'postgres' });
  const bin = (tool: string) => path.join(config.backups.pgBinDir, tool);

  if (!(await admin.exists(DB))) {
    process.stdout.write(`generating ${DB} (${values.rows} rows)…\n`);
    await admin.create(DB);
    await admin.withDatabase(DB, async (sql) => {
      await sql.query(`CREATE TABLE ticks AS SELECT i AS id, timestamptz '2024-01-01' + make_interval(secs => i) AS ts, 'SYM' || (i % 50) AS symbol,
        md5(i::text) AS a, md5((i * 7)::text) AS b, (i % 100000) / 7.0 AS price, random() * 1000 AS qty FROM generate_series(1, ${Number(values.rows)}) AS i`);
      await sql.query('ALTER TABLE ticks ADD PRIMARY KEY (id)');
      await sql.query('CREATE INDEX ticks_symbol_ts ON ticks (symbol, ts)');
      await sql.query('ANALYZE ticks');
    });
  }
  const size = await admin.withDatabase(DB, async (sql) =>
    Number((await sql.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b),
  );
  process.stdout.write(`${DB}: ${(size / 1e9).toFixed(2)} GB; ${runs} runs\n`);

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const worker = await startWorker(config, { taskQueue });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new TemporalClient({ connection, namespace: config.temporal.namespace });
  const runWf = async (type: string, input: object) => {
    const h = await client.workflow.start(type, {
      taskQueue,
      workflowId: `bench-${type}-${Date.now()}`,
      args: [input],
    });
    return h.result();
  };
  const plainFile = path.join(dir, 'plain.pgdump');
  const t = { backup: [] as number[], pgDump: [] as number[], restoreTest: [] as number[], pgRestore: [] as number[] };
  try {
    for (let i = 1; i <= runs; i++) {
      const plainDump = () =>
        timed(() =>
          withPassfile(conn, (env) =>
            run(bin('pg_dump'), ['-Fc', '-f', plainFile, `--dbname=${connString(conn)}`], { env }),
          ),
        );
      const runbookDump = () => timed(() => runWf('backup', { database: DB }));
      if (i % 2) {
        t.backup.push(await runbookDump());
        t.pgDump.push(await plainDump());
      } else {
        t.pgDump.push(await plainDump());
        t.backup.push(await runbookDump());
      }
      const plainRestore = async () => {
        const fresh = `bench_plain_restore_${i}`;
        await admin.drop(fresh);
        const ms = await timed(async () => {
          await admin.create(fresh);
          await withPassfile(conn, (env) =>
            run(
              bin('pg_restore'),
              ['--exit-on-error', `--dbname=${connString({ ...conn, database: fresh })}`, plainFile],
              { env },
            ),
          );
        });
        await admin.drop(fresh);
        return ms;
      };
      const runbookRestore = () => timed(() => runWf('restoreTest', { databases: [DB] }));
      if (i % 2) {
        t.restoreTest.push(await runbookRestore());
        t.pgRestore.push(await plainRestore());
      } else {
        t.pgRestore.push(await plainRestore());
        t.restoreTest.push(await runbookRestore());
      }
      process.stdout.write(
        `run ${i}: backup runbook ${secs(t.backup.at(-1)!)} | pg_dump -Fc ${secs(t.pgDump.at(-1)!)} | restore-test ${secs(t.restoreTest.at(-1)!)} | createdb + pg_restore ${secs(t.pgRestore.at(-1)!)} | load ${loadavg()[0]!.toFixed(1)}\n`,
      );
    }
  } finally {
    await worker.shutdown();
    await connection.close();
    rmSync(path.join(dir, 'data'), { recursive: true, force: true });
    rmSync(plainFile, { force: true });
  }
  const m = {
    backup: median(t.backup),
    pgDump: median(t.pgDump),
    restoreTest: median(t.restoreTest),
    pgRestore: median(t.pgRestore),
  };
  const r1 = m.backup / m.pgDump;
  const r2 = m.restoreTest / m.pgRestore;
  // Other work on a shared machine moves single runs a lot: the median of the per-run ratios is printed as well.
  const paired = {
    backup: median(t.backup.map((x, i) => x / t.pgDump[i]!)),
    restoreTest: median(t.restoreTest.map((x, i) => x / t.pgRestore[i]!)),
  };
  process.stdout.write(
    [
      `medians over ${runs} runs (${DB}, ${(size / 1e9).toFixed(2)} GB):`,
      `  backup runbook ${secs(m.backup)} vs pg_dump -Fc ${secs(m.pgDump)}: ratio ${r1.toFixed(3)} (goal ≤ 1.10) ${r1 <= 1.1 ? 'OK' : 'ABOVE GOAL'}`,
      `  restore-test ${secs(m.restoreTest)} vs createdb + pg_restore ${secs(m.pgRestore)}: ratio ${r2.toFixed(3)} (goal ≤ 1.15) ${r2 <= 1.15 ? 'OK' : 'ABOVE GOAL'}`,
      `  median of the per-run ratios: backup ${paired.backup.toFixed(3)}, restore-test ${paired.restoreTest.toFixed(3)}; load average now ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
      JSON.stringify({
        bench: 'backup',
        databaseBytes: size,
        runs,
        samplesMs: t,
        mediansMs: m,
        ratios: { backup: r1, restoreTest: r2 },
        pairedRatios: paired,
      }),
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:backup: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
