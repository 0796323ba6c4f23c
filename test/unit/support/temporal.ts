/**
 * Workflow unit tests run on a Temporal of their own, never the rig's: each test file starts its server in beforeAll
 * and tears it down in afterAll. By default the SDK's time-skipping test server (pinned in .tools/ by `make install`):
 * timers skip while a test awaits a result, or by `sleep(ms)`; a workflow that waits moves in time only then. Files
 * whose real activities read the server's clock (bot-halt's confirm deadline) take a dev server of their own instead.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { findTemporalCli } from '../../../src/client/rig/temporal';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../src/runbooks/shared/messages';
import { bundlePath, REPO_ROOT } from '../../support/paths';
import type { StubActivities } from './stubs';

export const TEST_SERVER_PATH = path.join(REPO_ROOT, '.tools', 'temporal-test-server', 'bin', 'temporal-test-server');

let installed = false;
/** The SDK's and Core's logs at ERROR only (the test server lacks capabilities Core warns about on every worker). */
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}

/** `time-skipping`: the SDK's test server. `dev`: `temporal server start-dev` in memory, set up like the rig's. */
export type UnitServer = 'time-skipping' | 'dev';

/** A server of this file's own on free ports, with the search attributes the rig registers (src/client/rig/temporal.ts). */
export async function createUnitEnv(server: UnitServer = 'time-skipping'): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  if (server === 'dev') {
    const cli = await findTemporalCli(REPO_ROOT);
    const searchAttributes = SEARCH_ATTRIBUTE_NAMES.map((name) => defineSearchAttributeKey(name, 'KEYWORD'));
    const extraArgs = ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true'];
    for (const queue of ['transfer', 'timer', 'visibility'])
      extraArgs.push('--dynamic-config-value', `history.${queue}ProcessorMaxPollRPS=1000`);
    return TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1', searchAttributes, extraArgs },
    });
  }
  if (!existsSync(TEST_SERVER_PATH))
    throw new Error(`no Temporal test server at ${TEST_SERVER_PATH}: run \`make install\``);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER_PATH } },
  });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_NAMES.map((name) => [name, keyword])),
  });
  return env;
}

const noop = () => undefined;
const silentLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Bundles a test's own workflows file (real workflows it re-exports, stub children), without the bundler's logs. */
export async function bundleTestWorkflows(workflowsPath: string): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath, logger: silentLogger })).code;
}

export interface TestWorkerOptions {
  activities: StubActivities;
  taskQueuePrefix: string;
  /** Ids of the workflows `fn` starts: at the end, those still running are terminated (and the set emptied). */
  started?: Set<string>;
}

let recordAddress: string | undefined; // the address of this file's env, for maybeRecordHistory

/** Saves a finished workflow's history as a replay fixture (test/histories/<name>.json) when RECORD_HISTORIES=1. */
export async function maybeRecordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  if (!recordAddress) throw new Error('maybeRecordHistory: no unit Temporal env in this file');
  const cli = await findTemporalCli(REPO_ROOT);
  const history = execFileSync(cli, [
    'workflow',
    'show',
    '--address',
    recordAddress,
    '--workflow-id',
    handle.workflowId,
    '--output',
    'json',
  ]);
  const dir = path.join(REPO_ROOT, 'test', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), history);
}

/**
 * Call at the top of a workflow unit-test file: in beforeAll it starts the file's server and bundles `workflowsPath`
 * (without one: every runbook workflow, bundled once per run by globalSetup), in afterAll it tears the server down.
 * Returns the client, a `withWorker` over that bundle, and `sleep` (moves the server's clock; on a dev server: waits).
 */
export function useTestWorkflows(workflowsPath?: string, server: UnitServer = 'time-skipping') {
  let env: TestWorkflowEnvironment | undefined;
  let code: string | undefined;
  beforeAll(async () => {
    env = await createUnitEnv(server);
    recordAddress = env.address;
    if (workflowsPath) code = await bundleTestWorkflows(workflowsPath);
  });
  afterAll(async () => {
    recordAddress = undefined;
    await env?.teardown();
  });
  const ready = (): TestWorkflowEnvironment => {
    if (!env) throw new Error('the Temporal test env is not started yet: use it inside a test');
    return env;
  };
  /** Runs `fn` while a Worker with the bundle and `activities` polls a task queue of its own. */
  async function withWorker<T>(opts: TestWorkerOptions, fn: (taskQueue: string) => Promise<T>): Promise<T> {
    const e = ready();
    const taskQueue = `${opts.taskQueuePrefix}-${randomUUID()}`;
    const workflowBundle = code === undefined ? { codePath: bundlePath() } : { code };
    const worker = await Worker.create({
      connection: e.nativeConnection,
      taskQueue,
      workflowBundle,
      activities: opts.activities,
    });
    try {
      return await worker.runUntil(fn(taskQueue));
    } finally {
      for (const id of opts.started ?? [])
        await e.client.workflow
          .getHandle(id)
          .terminate('unit test ended')
          .catch(() => undefined);
      opts.started?.clear();
    }
  }
  return {
    client: (): Client => ready().client,
    withWorker,
    /** Moves the test server's clock forward by `ms` (workflow timers due by then fire). */
    sleep: (ms: number): Promise<void> => ready().sleep(ms),
  };
}
