/**
 * Crash matrix of a deploy: the worker (`atc serve` on a task queue of its own) is killed with SIGKILL at every
 * step boundary (the test-only `pauseAfterStep` holds the deploy there), restarted, and the deploy continued.
 * Afterwards exactly one bot_paper container runs: on the new image when verification passed, else on the old.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { continueSignal, type DeployResult, type DeployStep } from '../../src/runbooks/deploy/contract';
import { progressQuery } from '../../src/runbooks/shared/messages';
import { killService, serviceConfigFor, startService } from '../support/cli';
import { closeRigDeps } from './support/dailyCheckRig';
import { resetRig } from '../support/resetRig';
import { waitFor } from '../support/waitFor';
import {
  backToBase,
  BASE_IMAGE,
  containersOf,
  expectExactlyOne,
  inspect,
  settleRig,
  temporalClient,
} from './support/deployRig';

const taskQueue = `deploy-crash-${Date.now()}`;
let client: Client;
let worker: ChildProcess;
let configFile: string;

async function killWorker(): Promise<void> {
  await killService(worker);
  expect(worker.signalCode).toBe('SIGKILL');
}

beforeAll(async () => {
  client = await temporalClient();
  await settleRig();
  await backToBase('bot_paper');
  configFile = serviceConfigFor(taskQueue, (config) => {
    config.deploy = { ...config.deploy, analysisWindow: '1s' }; // the crash matrix is about the steps, not the window
  });
  worker = await startService(configFile);
}, 240_000);
afterAll(async () => {
  if (worker?.exitCode === null) await killWorker();
  await settleRig();
  await backToBase('bot_paper');
  await closeRigDeps();
  await client?.connection.close();
  if (configFile) rmSync(configFile, { force: true });
}, 240_000);

async function pausedAfter(handle: WorkflowHandle, step: DeployStep): Promise<void> {
  const p = await waitFor(
    `the deploy paused after ${step}`,
    async () => {
      const q = await handle.query(progressQuery);
      return (q.done || q.waitingFor === `signal "continue" (paused after step ${step})`) && q;
    },
    { timeoutMs: 60_000 },
  );
  if (p.done) throw new Error(`the deploy ended before step ${step}: ${JSON.stringify(p.steps)}`);
}

/** Deploys `image` to bot_paper, kills the worker after `step`, restarts it, continues; returns the result. */
async function crashAfter(step: DeployStep, image: string): Promise<DeployResult> {
  const handle = await client.workflow.start('deploy', {
    taskQueue,
    workflowId: `deploy-crash-${step}-${Date.now()}`,
    args: [{ environment: 'paper', service: 'bot_paper', image, requestedBy: 'tester', pauseAfterStep: step }],
  });
  await pausedAfter(handle, step);
  await killWorker();
  expect((await handle.describe()).status.name).toBe('RUNNING');
  worker = await startService(configFile);
  await handle.signal(continueSignal);
  return (await handle.result()) as DeployResult;
}

// After a good deploy the rig is back as it was once the simulators answer and no alert fires (resetRig); a breach
// may raise an alert → an incident → refusals, so the breaching cases wait until the rig has settled (settleRig).
const SUCCESS_PATH: DeployStep[] = [
  'preflight',
  'plan',
  'approval',
  'halt-bot',
  'record-old',
  'retire-old',
  'start-new',
  'verify',
  'finish',
  'bot-orders',
];

describe('good deploys', () => {
  afterEach(async () => resetRig(), 240_000);

  test.each(SUCCESS_PATH)(
    'kill -9 after step %s of a good deploy → exactly one bot_paper, on the new image',
    async (step) => {
      const from = (await inspect('bot_paper')).Config.Image;
      const to = from === BASE_IMAGE ? 'atc-sim:1.1.0' : BASE_IMAGE; // alternate, so the matrix ends on 1.0.0
      const result = await crashAfter(step, to);
      expect([result.outcome, result.detail]).toEqual(['succeeded', expect.stringContaining(`bot_paper runs ${to}`)]);
      expect(await expectExactlyOne('bot_paper')).toBe(to);
    },
  );
});

describe('breaching deploys', () => {
  afterEach(async () => settleRig(), 240_000);

  test.each(['verify', 'rollback'] as DeployStep[])(
    'kill -9 after step %s of a breaching deploy → exactly one bot_paper, the old one',
    async (step) => {
      const old = await inspect('bot_paper');
      const result = await crashAfter(step, 'atc-sim:1.2.0-breach');
      expect([result.outcome, result.rollback?.restored]).toEqual(['rolled-back', true]);
      expect(await expectExactlyOne('bot_paper')).toBe(old.Config.Image);
      expect((await inspect('bot_paper')).Id).toBe(old.Id);
      expect((await containersOf('bot_paper')).length).toBe(1);
    },
  );
});
