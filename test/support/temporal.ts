/** Workflow unit tests: the real Temporal dev server of the rig, the bundled workflows, stubbed activities. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { findTemporalCli } from '../../src/client/rig/temporal';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { bundlePath, REPO_ROOT } from './paths';
import { rigState } from './rig';

let installed = false;
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface TemporalTestEnv {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestEnv(): Promise<TemporalTestEnv> {
  quietRuntime();
  const address = `127.0.0.1:${rigState().ports.temporal}`;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

export async function createTestWorker(env: TemporalTestEnv, activities: object, taskQueue = `test-${randomUUID()}`): Promise<{ worker: Worker; taskQueue: string }> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: bundlePath() }, activities });
  return { worker, taskQueue };
}

const noop = () => undefined;
const silentLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Bundles a test's own workflows file (real workflows it re-exports, stub children), without the bundler's logs. */
export async function bundleTestWorkflows(workflowsPath: string): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath, logger: silentLogger })).code;
}

export interface TestWorkerOptions {
  code: string;
  activities: object;
  taskQueuePrefix: string;
  /** Ids of the workflows `fn` starts: at the end, those still running are terminated (and the set emptied). */
  started: Set<string>;
}

/** Runs `fn` while a Worker with the bundled `code` and `activities` polls a task queue of its own. */
export async function withTestWorker<T>(env: TemporalTestEnv, opts: TestWorkerOptions, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `${opts.taskQueuePrefix}-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { code: opts.code }, activities: opts.activities });
  try {
    return await worker.runUntil(fn(taskQueue));
  } finally {
    for (const id of opts.started) await env.client.workflow.getHandle(id).terminate('unit test ended').catch(() => undefined);
    opts.started.clear();
  }
}

/** Saves a finished workflow's history as a replay fixture (test/histories/<name>.json) when RECORD_HISTORIES=1. */
export async function maybeRecordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const cli = await findTemporalCli(REPO_ROOT);
  const address = `127.0.0.1:${rigState().ports.temporal}`;
  const history = execFileSync(cli, ['workflow', 'show', '--address', address, '--workflow-id', handle.workflowId, '--output', 'json']);
  const dir = path.join(REPO_ROOT, 'test', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), history);
}

/**
 * Call at the top of a workflow unit-test file: in beforeAll it connects to the rig's Temporal and bundles
 * `workflowsPath`, in afterAll it closes. Returns the client and a `withWorker` over that bundle.
 */
export function useTestWorkflows(workflowsPath: string) {
  let env: TemporalTestEnv | undefined;
  let code = '';
  beforeAll(async () => {
    env = await connectTestEnv();
    code = await bundleTestWorkflows(workflowsPath);
  });
  afterAll(async () => env?.close());
  const ready = (): TemporalTestEnv => {
    if (!env) throw new Error('the Temporal test env is not connected yet: use it inside a test');
    return env;
  };
  return {
    client: (): Client => ready().client,
    withWorker: <T>(opts: Omit<TestWorkerOptions, 'code' | 'started'> & { started?: Set<string> }, fn: (taskQueue: string) => Promise<T>): Promise<T> =>
      withTestWorker(ready(), { ...opts, code, started: opts.started ?? new Set() }, fn),
  };
}
