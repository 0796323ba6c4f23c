/**
 * A long dump (a ~300 MB database generated for the test, dropped afterwards): `kill -9` of the service during the
 * dump → after a restart the backup completes once, with no orphan files or pg_dump processes; cancelling a backup
 * stops pg_dump and removes the partial backup.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { backupsDir } from '../../src/runbooks/backup/config';
import { createBackupStore } from '../../src/integrations/backupStore';
import type { BackupResult } from '../../src/runbooks/backup/workflow';
import { killService, killServices, startService } from '../support/cli';
import { connectTestEnv, type TemporalTestEnv } from '../support/temporal';
import {
  createDb,
  dbEntry,
  dropDb,
  inProcessWorker,
  pgToolPids,
  writeTestConfig,
  type TestSetup,
} from './support/backupRig';
import { waitFor } from '../support/waitFor';

const BIG = 'atc_it_big';
let env: TemporalTestEnv;
let setup: TestSetup;

beforeAll(async () => {
  env = await connectTestEnv();
  await createDb(
    BIG,
    `CREATE TABLE ticks AS SELECT i AS id, now() - make_interval(secs => i) AS ts, md5(i::text) AS a, md5((i * 7)::text) AS b, random() * 1000 AS v
                       FROM generate_series(1, 2500000) AS i`,
  );
  setup = writeTestConfig('it-kill', (raw) => Object.assign(raw.databases!, { big: dbEntry(raw, BIG) }));
}, 180_000);

afterAll(async () => {
  await killServices();
  await dropDb(BIG);
  if (setup) for (const f of [setup.config.dataDir, setup.configPath]) rmSync(f, { recursive: true, force: true });
  await env?.close();
}, 60_000);

const store = () => createBackupStore(backupsDir(setup.config));
const stagingDir = () => path.join(store().dir, '.staging');
const stagingEntries = () => (existsSync(stagingDir()) ? readdirSync(stagingDir()) : []);

/** Waits until a staging dump of `id` has at least `bytes` bytes. */
async function dumpUnderWay(id: string, bytes: number): Promise<void> {
  await waitFor(
    `the dump of ${id} at ${bytes} bytes`,
    () => {
      const dir = stagingEntries().find((n) => n.startsWith(`${id}.`));
      const file = dir ? path.join(stagingDir(), dir, 'dump.pgdump') : undefined;
      return Boolean(file && existsSync(file) && statSync(file).size >= bytes);
    },
    { timeoutMs: 60_000 },
  );
}

test('kill -9 of the worker during a long dump: after a restart the backup completes once, no orphan files or processes', async () => {
  const first = await startService(setup.configPath);
  const handle = await env.client.workflow.start('backup', {
    taskQueue: setup.taskQueue,
    workflowId: `it-kill-backup-${Date.now()}`,
    args: [{ database: 'big' }],
  });
  const id = `big-${(await handle.describe()).startTime.toISOString().replace(/[-:]/g, '')}`;
  await dumpUnderWay(id, 5_000_000);
  await killService(first);
  expect(first.signalCode).toBe('SIGKILL');
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await startService(setup.configPath);
  const result = (await handle.result()) as BackupResult;
  expect(result).toMatchObject({ outcome: 'succeeded', backupId: id, rows: 2_500_000 });
  const { backups, incomplete } = await store().list('big');
  expect(backups.map((b) => b.id)).toEqual([id]);
  expect(incomplete).toEqual([]);
  expect(stagingEntries()).toEqual([]);
  expect(await store().verify(backups[0]!)).toEqual([]);
  expect(await pgToolPids(BIG)).toEqual([]);
  const attempts = (await handle.fetchHistory())
    .events!.filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => Number(e.activityTaskStartedEventAttributes!.attempt ?? 0));
  expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2); // the dump really was retried after the kill
}, 300_000);

test('cancelling a backup stops pg_dump and removes the partial backup', async () => {
  const worker = await inProcessWorker(setup);
  try {
    const handle = await env.client.workflow.start('backup', {
      taskQueue: setup.taskQueue,
      workflowId: `it-cancel-backup-${Date.now()}`,
      args: [{ database: 'big' }],
    });
    const id = `big-${(await handle.describe()).startTime.toISOString().replace(/[-:]/g, '')}`;
    await dumpUnderWay(id, 2_000_000);
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await waitFor(
      'staging and pg tools cleaned up',
      async () => stagingEntries().length === 0 && (await pgToolPids(BIG)).length === 0,
      { timeoutMs: 10_000 },
    );
    expect(stagingEntries()).toEqual([]);
    expect(await pgToolPids(BIG)).toEqual([]);
    expect((await store().list('big')).backups.map((b) => b.id)).not.toContain(id);
  } finally {
    await worker.shutdown();
  }
}, 180_000);
