/**
 * backup / restore / restore-test on the rig's PostgreSQL, no mocks: trading and mlflow round-trip with identical
 * row counts and table contents; corrupt, truncated and manifest-less backups refused with nothing created; the
 * four-eyes rule on a protected database; pg_dump failing (wrong password, database gone) leaves no backup; names
 * with quotes, spaces and a leading dash; restore-test from its Schedule (triggered now) on the rig's service, the
 * metric on /metrics and in Prometheus with its alert rule. Every database and schedule the tests create is removed.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { backupsDir } from '../../src/runbooks/backup/config';
import { PermanentError } from '../../src/errors';
import { createBackupStore } from '../../src/integrations/backupStore';
import { createPgTools } from '../../src/integrations/pgTools';
import type { BackupResult } from '../../src/runbooks/backup/workflow';
import { approveUpdate, progressQuery } from '../../src/runbooks/shared/messages';
import type { RestoreResult } from '../../src/runbooks/backup/restoreWorkflow';
import type { RestoreTestResult } from '../../src/runbooks/backup/restoreTestWorkflow';
import type { WorkerHandle } from '../../src/worker';
import { atc } from '../support/cli';
import { rigConfig, rigState } from '../support/rig';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';
import {
  createDb,
  databasesLike,
  dbEntry,
  dropDb,
  inProcessWorker,
  pgPassword,
  tableChecksums,
  withPg,
  writeTestConfig,
  type TestSetup,
} from './support/backupRig';
import { waitFor } from '../support/waitFor';

const WEIRD = `we"ird 'db`;
const DASH = '-dash db';
const TARGETS = [
  'atc_it_restored_trading',
  'atc_it_restored_mlflow',
  `-restored "x" 'y'`,
  'it dash copy',
  'atc_it_protected',
  'atc_it_gone',
  'atc_it_corrupt_target',
];
let env: TemporalTestEnv;
let setup: TestSetup;
let worker: WorkerHandle;

beforeAll(async () => {
  env = await connectTestEnv();
  await createDb(
    WEIRD,
    `CREATE TABLE "Tab le" (id int PRIMARY KEY, "we'ird col" text); INSERT INTO "Tab le" SELECT i, 'v' || i FROM generate_series(1, 500) i;`,
  );
  await createDb(
    DASH,
    `CREATE SCHEMA "-s"; CREATE TABLE "-s"."-t" (x numeric); INSERT INTO "-s"."-t" SELECT i / 7.0 FROM generate_series(1, 300) i;`,
  );
  await createDb(
    'atc_it_protected',
    `CREATE TABLE positions (bot text, qty float8); INSERT INTO positions VALUES ('bot_live', 0.5);`,
  );
  await createDb('atc_it_gone', 'CREATE TABLE t (x int);');
  setup = writeTestConfig('it-backup', (raw) => {
    Object.assign(raw.databases!, {
      weird: dbEntry(raw, WEIRD),
      dash: dbEntry(raw, DASH),
      prot: dbEntry(raw, 'atc_it_protected', { protected: true }),
      gone: dbEntry(raw, 'atc_it_gone'),
      wrongpw: dbEntry(raw, 'trading', { password: { file: wrongPasswordFile() } }),
    });
    (raw as Record<string, unknown>).notify = {
      channels: [{ type: 'file', path: path.join(rigState().home, 'it-backup', 'notifications.jsonl') }],
    };
    (raw.environments!.dev as Record<string, unknown>).approvalTimeout = '4s';
    (raw.environments!.live as Record<string, unknown>).approvalTimeout = '30s';
  });
  worker = await inProcessWorker(setup);
}, 120_000);

afterAll(async () => {
  await worker?.shutdown();
  for (const db of [WEIRD, DASH, ...TARGETS]) await dropDb(db);
  if (setup)
    for (const f of [
      setup.config.dataDir,
      setup.configPath,
      path.join(rigState().home, 'it-backup', 'notifications.jsonl'),
      wrongPasswordFile(),
    ])
      rmSync(f, { recursive: true, force: true });
  await env?.close();
}, 120_000);

function wrongPasswordFile(): string {
  const file = path.join(rigState().home, 'it-backup', 'wrong-password');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'not-the-password\n', { mode: 0o600 });
  return file;
}

const start = (type: string, input: object) =>
  env.client.workflow.start(type, {
    taskQueue: setup.taskQueue,
    workflowId: `it-${type}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`,
    args: [input],
  });
async function run<T>(type: string, input: object, drive?: (h: WorkflowHandle) => Promise<void>): Promise<T> {
  const h = await start(type, input);
  if (drive) await drive(h);
  return (await h.result()) as T;
}
const store = () => createBackupStore(backupsDir(setup.config));
const backupOf = async (database: string) => run<BackupResult>('backup', { database });

test('trading and mlflow: backup → restore into a new database → identical row counts and content of every table', async () => {
  for (const database of ['trading', 'mlflow']) {
    const b = await backupOf(database);
    expect(b).toMatchObject({ outcome: 'succeeded', database, format: 'custom' });
    const m = await store().read(b.backupId);
    if (!m.ok) throw new Error(m.reason);
    expect(m.manifest.serverVersion).toMatch(/^15\./);
    expect(m.manifest.extensions.map((e) => e.name)).toContain('plpgsql');
    expect(m.manifest.tools.pgDump).toMatch(/pg_dump \(PostgreSQL\) 15/);
    expect(m.manifest.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const target = `atc_it_restored_${database}`;
    const r = await run<RestoreResult>('restore', { database, backup: b.backupId, target });
    expect(r).toMatchObject({ outcome: 'succeeded', replaced: false, backupId: b.backupId });
    expect(r.tables!.every((t) => t.actual === t.expected)).toBe(true);
    expect(r.durations.restoreMs).toBeGreaterThan(0);
    // The feed keeps writing bars/features into trading: compare its rows up to the newest one in the backup.
    const upTo: Record<string, Date> = {};
    if (database === 'trading') {
      const newest = await withPg(
        target,
        async (c) => (await c.query<{ ts: Date }>('SELECT max(ts) AS ts FROM bars')).rows[0]!.ts,
      );
      Object.assign(upTo, { 'public.bars': newest, 'public.features': newest });
    }
    const [source, restored] = [await tableChecksums(m.manifest.databaseName, upTo), await tableChecksums(target)];
    expect(Object.keys(restored).sort()).toEqual(m.manifest.tables.map((t) => `${t.schema}.${t.name}`).sort());
    expect(restored).toEqual(source);
    for (const t of m.manifest.tables) expect(restored[`${t.schema}.${t.name}`]!.rows).toBe(t.rows);
    expect(await databasesLike('atc_restoring_%')).toEqual([]);
  }
});

test('names with quotes, spaces and a leading dash: backup, restore, restore-test', async () => {
  const w = await backupOf('weird');
  const r1 = await run<RestoreResult>('restore', {
    database: 'weird',
    backup: w.backupId,
    target: `-restored "x" 'y'`,
  });
  expect(r1.outcome).toBe('succeeded');
  expect(await tableChecksums(`-restored "x" 'y'`)).toEqual(await tableChecksums(WEIRD));
  await backupOf('dash');
  const r2 = await run<RestoreResult>('restore', { database: 'dash', target: 'it dash copy' });
  expect(r2).toMatchObject({ outcome: 'succeeded', rows: 300 });
  expect(await tableChecksums('it dash copy')).toEqual(await tableChecksums(DASH));
  // Directory format with parallel jobs (format: directory): each file hashed after the dump; restored with -j 2.
  const tools = createPgTools(setup.config.backups.pgBinDir);
  const conn = {
    host: '127.0.0.1',
    port: rigState().ports.postgres,
    user: 'atc',
    database: DASH,
    password: pgPassword(),
  };
  const dumpDir = path.join(setup.config.dataDir, 'dir-format');
  const files = await tools.dumpDirectory(conn, dumpDir, { jobs: 2 });
  expect(files.map((f) => f.path)).toContain('dir-format/toc.dat');
  expect((await tools.listArchive(dumpDir)).some((l) => l.includes('TABLE DATA -s -t '))).toBe(true);
  await dropDb('it dash copy');
  await withPg('postgres', (c) => c.query(`CREATE DATABASE "it dash copy"`));
  await tools.restore({ ...conn, database: 'it dash copy' }, dumpDir, { jobs: 2 });
  expect(await tableChecksums('it dash copy')).toEqual(await tableChecksums(DASH));
  const t = await run<RestoreTestResult>('restoreTest', { databases: ['weird', 'dash'] });
  expect(t.databases.map((d) => [d.database, d.ok, d.dropped])).toEqual([
    ['weird', true, true],
    ['dash', true, true],
  ]);
  expect(await databasesLike('atc_restore_test_%')).toEqual([]);
});

test('a flipped byte, a truncated dump, a missing manifest → restore refuses with the reason, nothing created', async () => {
  const b = await backupOf('weird');
  const copy = (stamp: string, change: (dir: string) => void) => {
    const id = `weird-${stamp}`;
    const dir = path.join(store().dir, id);
    cpSync(store().folder(b.backupId), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { id: string };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, id }));
    change(dir);
    return id;
  };
  const flipped = copy('20000101T000000.001Z', (dir) => {
    const f = path.join(dir, 'dump.pgdump');
    const bytes = readFileSync(f);
    bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 0xff;
    writeFileSync(f, bytes);
  });
  const truncated = copy('20000101T000000.002Z', (dir) => truncateSync(path.join(dir, 'dump.pgdump'), 1000));
  const noManifest = copy('20000101T000000.003Z', (dir) => rmSync(path.join(dir, 'manifest.json')));
  const expected: [string, RegExp][] = [
    [flipped, /failed verification: dump.pgdump: sha256 .*\(corrupted\)/],
    [truncated, /failed verification: dump.pgdump: 1000 bytes, the manifest says \d+ \(truncated or changed\)/],
    [noManifest, /has no readable manifest.json \(ENOENT\): incomplete or not a backup/],
  ];
  for (const [backup, reason] of expected) {
    const r = await run<RestoreResult>('restore', { database: 'weird', backup, target: 'atc_it_corrupt_target' });
    expect(r.outcome).toBe('refused');
    expect(r.reason).toMatch(reason);
  }
  expect(await databasesLike('atc_it_corrupt_target')).toEqual([]);
  expect(await databasesLike('atc_restoring_%')).toEqual([]);
  expect((await store().list('weird')).backups.map((x) => x.id)).not.toContain(noManifest);
});

async function waitingForApproval(h: WorkflowHandle): Promise<void> {
  await waitFor('waiting for an approval', async () => (await h.query(progressQuery)).waitingFor, {
    timeoutMs: 10_000,
  });
}
async function updateRefusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

test('restore over a protected database: the requester approving or one approver only → refused; two approvers → replaced', async () => {
  const b = await backupOf('prot');
  const before = await tableChecksums('atc_it_protected');
  const refused = await run<RestoreResult>(
    'restore',
    { database: 'prot', backup: b.backupId, target: 'atc_it_protected', overwrite: true, requestedBy: 'alice' },
    async (h) => {
      await waitingForApproval(h);
      expect(await updateRefusal(h.executeUpdate(approveUpdate, { args: [{ actor: 'alice' }] }))).toMatch(
        /alice requested this restore and cannot approve it/,
      );
      await h.executeUpdate(approveUpdate, { args: [{ actor: 'bob' }] });
    },
  );
  expect(refused).toMatchObject({ outcome: 'refused', approvedBy: ['bob'] });
  expect(refused.reason).toMatch(/approval timed out after 4 s with 1 of 2 approvals \(bob\)/);
  expect(await databasesLike('atc_restoring_%')).toEqual([]);
  await withPg('atc_it_protected', (c) => c.query(`INSERT INTO positions VALUES ('after backup', 1)`));
  const done = await run<RestoreResult>(
    'restore',
    {
      environment: 'live',
      database: 'prot',
      backup: b.backupId,
      target: 'atc_it_protected',
      overwrite: true,
      requestedBy: 'alice',
    },
    async (h) => {
      await waitingForApproval(h);
      expect(await updateRefusal(h.executeUpdate(approveUpdate, { args: [{ actor: 'mallory' }] }))).toMatch(
        /not an approver/,
      );
      await h.executeUpdate(approveUpdate, { args: [{ actor: 'bob' }] });
      await h.executeUpdate(approveUpdate, { args: [{ actor: 'carol' }] });
    },
  );
  expect(done).toMatchObject({ outcome: 'succeeded', approvedBy: ['bob', 'carol'], replaced: true });
  expect(await tableChecksums('atc_it_protected')).toEqual(before); // the row added after the backup is gone
  expect(await databasesLike('atc_re%_%')).toEqual([]);
});

test('pg_dump failing (wrong password, database gone) → clear failure, no backup and no partial files left', async () => {
  await dropDb('atc_it_gone');
  const password = pgPassword();
  for (const [database, reason] of [
    ['wrongpw', /password authentication failed for user "atc"/],
    ['gone', /database "atc_it_gone" does not exist/],
  ] as const) {
    const h = await start('backup', { database });
    const err = await h.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toMatch(reason);
    expect((await store().list(database)).backups).toEqual([]);
    const staging = path.join(store().dir, '.staging');
    expect(existsSync(staging) ? readdirSync(staging).filter((n) => n.startsWith(`${database}-`)) : []).toEqual([]);
    expect(existsSync(store().dir) ? readdirSync(store().dir).filter((n) => n.startsWith(`${database}-`)) : []).toEqual(
      [],
    );
    expect(JSON.stringify(await h.fetchHistory())).not.toContain(password);
    const notes = readFileSync(path.join(rigState().home, 'it-backup', 'notifications.jsonl'), 'utf8');
    expect(notes).toContain(`"title":"backup of ${database} failed"`);
  }
  // pg_dump itself: its own error output, the password in a passfile only (never in argv or the message).
  const tools = createPgTools(setup.config.backups.pgBinDir);
  const out = path.join(setup.config.dataDir, 'direct.pgdump');
  const conn = { host: '127.0.0.1', port: rigState().ports.postgres, user: 'atc', database: 'trading' };
  const wrong = await tools.dumpCustom({ ...conn, password: 'not-the-password' }, out, {}).catch((e: Error) => e);
  expect(wrong).toBeInstanceOf(PermanentError);
  expect((wrong as Error).message).toMatch(
    /^pg_dump of "trading" failed \(exit 1\): .*password authentication failed for user "atc"/,
  );
  const gone = await tools.dumpCustom({ ...conn, database: 'atc_it_gone', password }, out, {}).catch((e: Error) => e);
  expect((gone as Error).message).toMatch(
    /pg_dump of "atc_it_gone" failed \(exit 1\): .*database "atc_it_gone" does not exist/,
  );
  expect(`${(wrong as Error).message} ${(gone as Error).message}`).not.toContain(password);
});

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const u = new URL(`http://127.0.0.1:${rigState().ports.prometheus}/api/v1/query`);
  u.searchParams.set('query', query);
  return (
    (await (await fetch(u)).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }
  ).data.result;
}

test('restore-test from its Schedule (`atc schedules apply`, triggered now) on the rig service: report, metric, alert rule', async () => {
  const rig = rigConfig();
  const startedAt = Date.now() / 1000;
  const made: string[] = [];
  for (const database of Object.keys(rig.databases)) {
    const r = await atc(['run', 'backup', '--database', database, '--json']);
    expect(r.code).toBe(0);
    made.push((JSON.parse(r.stdout) as BackupResult).backupId);
  }
  const listed = JSON.parse((await atc(['backups', '--json'])).stdout) as { backups: { id: string }[] };
  expect(listed.backups.map((b) => b.id)).toEqual(expect.arrayContaining(made));
  const applied = JSON.parse((await atc(['schedules', 'apply', '--json'])).stdout) as {
    scheduleId: string;
    change: string;
    schedule?: { cron: string; workflowType: string };
  }[];
  const created = applied.filter((a) => a.change === 'created').map((a) => a.scheduleId);
  try {
    expect(applied.find((a) => a.scheduleId === 'restore-test')?.schedule).toMatchObject({
      cron: '0 3 1 * *',
      workflowType: 'restoreTest',
    });
    const schedule = env.client.schedule.getHandle('restore-test');
    await schedule.trigger();
    const workflowId = await waitFor(
      'the scheduled restore test',
      async () => (await schedule.describe()).info.recentActions.at(-1)?.action.workflow.workflowId,
      { timeoutMs: 20_000 },
    );
    const result = (await env.client.workflow.getHandle(workflowId!).result()) as RestoreTestResult;
    expect(result.ok).toBe(true);
    expect(result.databases.map((d) => [d.database, d.ok, d.dropped, made.includes(d.backupId!)])).toEqual(
      Object.keys(rig.databases)
        .sort()
        .map((d) => [d, true, true, true]),
    );
    expect(readFileSync(result.reportFiles!.markdown, 'utf8')).toContain('# Restore test PASSED');
    expect((JSON.parse(readFileSync(result.reportFiles!.json, 'utf8')) as RestoreTestResult).workflowId).toBe(
      workflowId,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${rigState().ports.service}/metrics`)).text();
    for (const database of Object.keys(rig.databases)) {
      const m = new RegExp(
        `^atc_restore_test_last_success_timestamp_seconds\\{database="${database}"\\} ([0-9.e+]+)$`,
        'm',
      ).exec(metrics);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(startedAt);
    }
    const scraped = await waitFor(
      'both databases scraped',
      async () => {
        const s = await promQuery('atc_restore_test_last_success_timestamp_seconds{job="atc_ops"}');
        return s.filter((x) => Number(x.value[1]) >= startedAt).length >= 2 && s;
      },
      { timeoutMs: 30_000 },
    );
    expect(
      scraped
        .filter((s) => Number(s.value[1]) >= startedAt)
        .map((s) => s.metric.database)
        .sort(),
    ).toEqual(Object.keys(rig.databases).sort());
    expect(
      await promQuery('time() - max by (database) (atc_restore_test_last_success_timestamp_seconds) > 35 * 86400'),
    ).toEqual([]);
    // The same threshold, evaluated 36 days from now, selects every database (what RestoreTestStale would fire on).
    expect(
      (
        await promQuery(
          '(time() + 36 * 86400) - max by (database) (atc_restore_test_last_success_timestamp_seconds{job="atc_ops"}) > 35 * 86400',
        )
      ).length,
    ).toBe(Object.keys(rig.databases).length);
    const rules = (await (await fetch(`http://127.0.0.1:${rigState().ports.prometheus}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; state: string }[] }[] };
    };
    const group = rules.data.groups.find((g) => g.name === 'atc-ops-restore-test');
    expect(group?.rules.find((r) => r.name === 'RestoreTestStale')).toMatchObject({ health: 'ok', state: 'inactive' });
    expect(await databasesLike('atc_restore_test_%')).toEqual([]);
  } finally {
    for (const id of created)
      await env.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    const rigStore = createBackupStore(backupsDir(rig));
    for (const id of made) await rigStore.remove(id);
  }
});
