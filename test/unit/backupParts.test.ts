/**
 * The pure and file-level parts of backup/restore: retention, the TimescaleDB hooks (a stub SqlExec records the SQL:
 * the rig has no TimescaleDB), format/jobs choice, quoting of connection strings and passfiles, the catalogue on
 * disk (flipped byte, truncation, missing manifest), the restore-test state behind the metric, the report.
 */
import {
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
  existsSync,
  truncateSync,
  rmSync,
  mkdirSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingTableData } from '../../src/runbooks/backup/activities/backup';
import { renderRestoreTestMarkdown } from '../../src/runbooks/backup/activities/restoreTest';
import { backupIdOf } from '../../src/backupIds';
import { PermanentError, UnreachableError } from '../../src/errors';
import { retentionPlan, type BackupManifest } from '../../src/integrations/backupManifest';
import { createBackupStore } from '../../src/integrations/backupStore';
import type { SqlExec } from '../../src/integrations/pgAdmin';
import { quoteIdent } from '../../src/integrations/pgAdmin';
import {
  dumpFormatFor,
  restoreJobsFor,
  timescalePostRestore,
  timescalePreRestore,
} from '../../src/integrations/pgCatalog';
import { connString, toolError, withPassfile } from '../../src/integrations/pgChild';
import { sha256File } from '../../src/integrations/pgTools';
import { lastSuccessSeconds, recordRestoreTestRuns } from '../../src/integrations/restoreTestState';
import { scratchName } from '../../src/runbooks/backup/restoreTestWorkflow';
import { parseConfig } from '../../src/config';
import { restoreTestSchedules } from '../../src/client/schedules/restoreTestKind';
import { restoreTestRuleGroup } from '../../src/client/rig/restoreTestRules';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'atc-backup-unit-'));

test('retention keeps every backup of the newest N days with backups and the newest of each of the newest M months', () => {
  const b = (id: string, finishedAt: string) => ({ id, finishedAt });
  const backups = [
    b('a', '2025-03-10T03:00:00Z'),
    b('b', '2025-03-10T01:00:00Z'),
    b('c', '2025-03-09T03:00:00Z'),
    b('d', '2025-03-01T03:00:00Z'),
    b('e', '2025-02-20T03:00:00Z'),
    b('f', '2025-02-01T03:00:00Z'),
    b('g', '2025-01-15T03:00:00Z'),
    b('h', '2024-12-15T03:00:00Z'),
  ];
  expect(retentionPlan(backups, { daily: 2, monthly: 3 }).sort()).toEqual(['d', 'f', 'h']);
  expect(retentionPlan(backups, { daily: 1, monthly: 0 }).sort()).toEqual(['c', 'd', 'e', 'f', 'g', 'h']);
  expect(retentionPlan(backups, { daily: 1, monthly: 0 }, ['h'])).not.toContain('h');
});

test('TimescaleDB: extension at the dumped version, pre-restore before and post-restore after; no parallel jobs, custom format', async () => {
  const sql: string[] = [];
  const stub: SqlExec = { query: async (text: string) => (sql.push(text), { rows: [] as never[] }) };
  await timescalePreRestore(stub, "2.14.2'; DROP");
  await timescalePostRestore(stub);
  expect(sql).toEqual([
    "CREATE EXTENSION IF NOT EXISTS timescaledb VERSION '2.14.2''; DROP'",
    'SELECT timescaledb_pre_restore()',
    'SELECT timescaledb_post_restore()',
  ]);
  expect(dumpFormatFor([{ name: 'timescaledb', version: '2.14.2' }], 'directory')).toBe('custom');
  expect(dumpFormatFor([{ name: 'plpgsql', version: '1.0' }], 'directory')).toBe('directory');
  expect(restoreJobsFor(true, 4)).toBe(1);
  expect(restoreJobsFor(false, 4)).toBe(4);
});

test('names with quotes, spaces, backslashes or a leading dash stay one quoted value', () => {
  expect(quoteIdent('we"ird db')).toBe('"we""ird db"');
  const cs = connString({ host: '127.0.0.1', port: 5432, user: "o'neil", database: "-x 'y' \\z" });
  expect(cs).toBe("host='127.0.0.1' port=5432 user='o\\'neil' dbname='-x \\'y\\' \\\\z'");
});

test('the password goes only into a mode-600 passfile named by PGPASSFILE, removed afterwards', async () => {
  let seen: { file?: string; mode?: number; text?: string; env?: NodeJS.ProcessEnv } = {};
  await withPassfile({ host: 'h', port: 1, user: 'u:x', database: 'd', password: 'p:w\\d' }, async (env) => {
    const file = env.PGPASSFILE!;
    seen = { file, mode: statSync(file).mode & 0o777, text: readFileSync(file, 'utf8'), env };
  });
  expect(seen.mode).toBe(0o600);
  expect(seen.text).toBe('h:1:*:u\\:x:p\\:w\\\\d\n');
  expect(Object.keys(seen.env!).sort()).toEqual(['LC_ALL', 'PGAPPNAME', 'PGCONNECT_TIMEOUT', 'PGPASSFILE']);
  expect(existsSync(seen.file!)).toBe(false);
});

test('pg tool errors: cannot connect → unreachable (retried); anything else → permanent, with the tool output', () => {
  expect(
    toolError(
      'pg_dump',
      'of "x"',
      1,
      null,
      'pg_dump: error: connection to server at "127.0.0.1", port 1 failed: Connection refused',
    ),
  ).toBeInstanceOf(UnreachableError);
  const auth = toolError(
    'pg_dump',
    'of "x"',
    1,
    null,
    'pg_dump: error: FATAL:  password authentication failed for user "atc"',
  );
  expect(auth).toBeInstanceOf(PermanentError);
  expect(auth.message).toMatch(/pg_dump of "x" failed \(exit 1\): .*password authentication failed/);
  expect(
    missingTableData(
      ['3338; 0 16473 TABLE DATA public t atc'],
      [
        { schema: 'public', name: 't', kind: 'table' },
        { schema: 'public', name: 'u v', kind: 'table' },
        { schema: 'public', name: 'p', kind: 'partitioned' },
      ],
    ),
  ).toEqual(['public.u v']);
});

async function fakeBackup(dir: string, id: string, content = 'PGDMP fake archive'): Promise<BackupManifest> {
  const store = createBackupStore(dir);
  const staging = await store.newStaging(id, 1);
  writeFileSync(path.join(staging, 'dump.pgdump'), content);
  const digest = await sha256File(path.join(staging, 'dump.pgdump'));
  const m: BackupManifest = {
    formatVersion: 1,
    id,
    database: 'trading',
    databaseName: 'trading',
    host: '127.0.0.1',
    port: 5432,
    workflowId: 'w',
    serverVersion: '15',
    encoding: 'UTF8',
    extensions: [],
    timescaledb: false,
    tables: [{ schema: 'public', name: 't', kind: 'table', rows: 1, bytes: 8192 }],
    databaseBytes: 1,
    format: 'custom',
    archive: 'dump.pgdump',
    files: [{ path: 'dump.pgdump', ...digest }],
    dumpBytes: digest.bytes,
    tocEntries: 1,
    startedAt: '2025-01-01T03:00:00.000Z',
    finishedAt: `2025-01-0${id.endsWith('1.000Z') ? 1 : 2}T03:00:01.000Z`,
    durationMs: 1000,
    tools: { pgDump: 'x', pgRestore: 'y' },
  };
  await store.publish(staging, m);
  return m;
}

test('catalogue: published backups verify; a flipped byte, a truncation, a missing manifest are named; partials are not listed', async () => {
  const dir = tmp();
  const store = createBackupStore(dir);
  const good = await fakeBackup(dir, 'trading-20250101T030000.001Z');
  expect(await store.verify(good)).toEqual([]);
  const flipped = await fakeBackup(dir, 'trading-20250101T030000.002Z');
  const f = path.join(dir, flipped.id, 'dump.pgdump');
  const bytes = readFileSync(f);
  bytes[3] = bytes[3]! ^ 0x01;
  writeFileSync(f, bytes);
  expect((await store.verify(flipped))[0]).toMatch(/sha256 .* \(corrupted\)/);
  const truncated = await fakeBackup(dir, 'trading-20250101T030000.003Z');
  truncateSync(path.join(dir, truncated.id, 'dump.pgdump'), 5);
  expect((await store.verify(truncated))[0]).toMatch(/5 bytes, the manifest says 18 \(truncated or changed\)/);
  const noManifest = await fakeBackup(dir, 'trading-20250101T030000.004Z');
  rmSync(path.join(dir, noManifest.id, 'manifest.json'));
  expect(await store.read(noManifest.id)).toEqual({
    ok: false,
    reason: expect.stringMatching(/has no readable manifest.json/),
  });
  expect(await store.read('../etc')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a backup id/) });
  await store.newStaging('trading-20250101T030000.005Z', 1); // in progress: invisible
  const { backups, incomplete } = await store.list('trading');
  expect(backups.map((b) => b.id).sort()).toEqual([good.id, flipped.id, truncated.id].sort());
  expect(incomplete.map((i) => i.id)).toEqual([noManifest.id]);
  expect(await store.clearStaging('trading-20250101T030000.005Z')).toBe(1);
  await store.remove(good.id);
  expect(existsSync(path.join(dir, good.id))).toBe(false);
});

test('restore-test state: a failure keeps the last success; the gauge reads seconds per database', async () => {
  const file = path.join(tmp(), 'state', 'restore-test.json');
  expect(await lastSuccessSeconds(file)).toEqual({});
  await recordRestoreTestRuns(file, 'w1', [
    { database: 'trading', ok: true, at: '2025-01-01T03:00:00.000Z' },
    { database: 'mlflow', ok: false, at: '2025-01-01T03:00:01.000Z', reason: 'no backup' },
  ]);
  await recordRestoreTestRuns(file, 'w2', [
    { database: 'trading', ok: false, at: '2025-02-01T03:00:00.000Z', reason: 'x' },
  ]);
  expect(await lastSuccessSeconds(file)).toEqual({ trading: Date.parse('2025-01-01T03:00:00.000Z') / 1000 });
  const state = JSON.parse(readFileSync(file, 'utf8')) as { databases: Record<string, { lastOutcome: string }> };
  expect(state.databases.trading?.lastOutcome).toBe('failed');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'not json');
  expect(await lastSuccessSeconds(file)).toEqual({});
});

test('ids, scratch names and the report', () => {
  expect(backupIdOf('trading', new Date('2025-01-01T03:00:00.123Z'))).toBe('trading-20250101T030000.123Z');
  expect(Buffer.byteLength(scratchName('x'.repeat(63), new Date()))).toBeLessThanOrEqual(63);
  const md = renderRestoreTestMarkdown({
    workflowId: 'w',
    environment: 'dev',
    ok: false,
    startedAt: 's',
    finishedAt: 'f',
    databases: [
      {
        database: 'trading',
        ok: false,
        backupId: 'b',
        dropped: true,
        reason: 'a|b',
        tables: [{ table: 'public.t', expected: 2, actual: 1 }],
        rows: 1,
        durations: { totalMs: 1 },
        finishedAt: 'f',
      },
    ],
  });
  expect(md).toContain('# Restore test FAILED');
  expect(md).toContain('| trading | FAIL | b | 1 | 1 |');
  expect(md).toContain('a\\|b');
  expect(md).toContain('| public.t | 2 | 1 |');
});

test('the monthly restore-test schedule: on by default when databases are configured; the alert rules', () => {
  const db = { user: 'atc', database: 'trading' };
  expect(restoreTestSchedules.desired(parseConfig({}))).toEqual([]);
  const [monthly] = restoreTestSchedules.desired(parseConfig({ databases: { trading: db } }));
  expect(monthly).toMatchObject({
    scheduleId: 'restore-test',
    workflowType: 'restoreTest',
    runbook: 'restore-test',
    cron: '0 3 1 * *',
    timezone: 'UTC',
    args: [{ environment: 'dev' }],
  });
  expect(
    restoreTestSchedules.desired(
      parseConfig({ databases: { trading: db }, schedules: { restoreTest: { enabled: false } } }),
    ),
  ).toEqual([]);
  expect(() =>
    parseConfig({
      databases: { trading: db },
      schedules: { restoreTest: { databases: ['nope'], environment: 'prod' } },
    }),
  ).toThrow(
    /schedules.restoreTest.environment: unknown environment prod[\s\S]*schedules.restoreTest.databases.0: unknown database nope/,
  );
  const config = parseConfig({ databases: { trading: db }, backups: { retention: { daily: 3 } } });
  expect(config.backups).toMatchObject({
    format: 'custom',
    restoreJobs: 1,
    retention: { daily: 3, monthly: 12 },
    pgBinDir: '/usr/lib/postgresql/15/bin',
  });
  const rules = (restoreTestRuleGroup(['trading']) as { rules: { alert: string; expr: string; for: string }[] }).rules;
  expect(rules[0]).toMatchObject({
    alert: 'RestoreTestStale',
    expr: 'time() - max by (job, service, database) (atc_restore_test_last_success_timestamp_seconds) > 35 * 86400',
  });
  expect(rules[1]).toMatchObject({
    alert: 'RestoreTestNeverSucceeded',
    expr: 'absent(atc_restore_test_last_success_timestamp_seconds{database="trading"})',
    for: '840h',
  });
});
