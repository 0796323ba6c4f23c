/**
 * deploy and rollback on the rig through `atc run` (the rig's worker, real Docker, Prometheus and simulators):
 * dry run, a good deploy and the rollback from history, a gate breach and a never-healthy image rolled back to
 * the untouched old container, one deploy per service at a time, feed before bot. The rig is left on 1.0.0.
 */
import type { Client } from '@temporalio/client';
import { readHistory } from '../../src/runbooks/deploy/activities/history';
import type { DeployResult } from '../../src/runbooks/deploy/contract';
import { progressQuery } from '../../src/runbooks/shared/messages';
import { atc } from '../support/cli';
import { rigConfig } from '../support/rig';
import { closeRigDeps, fault, sim, waitSection } from './support/dailyCheckRig';
import { waitFor } from '../support/waitFor';
import {
  backToBase,
  BASE_IMAGE,
  configOf,
  containersOf,
  expectExactlyOne,
  inspect,
  runJson,
  settleRig,
  temporalClient,
} from './support/deployRig';
import { simState } from '../../src/client/rig/sims';

let client: Client;
beforeAll(async () => {
  client = await temporalClient();
  await settleRig();
  await backToBase('bot_paper');
}, 240_000);
afterEach(async () => {
  await settleRig();
  await backToBase('bot_paper');
}, 240_000);
afterAll(async () => {
  await closeRigDeps();
  await client?.connection.close();
});

const deployArgs = (image: string, ...more: string[]) => [
  'run',
  'deploy',
  '--env',
  'paper',
  '--service',
  'bot_paper',
  '--image',
  image,
  '--as',
  'tester',
  ...more,
];
const history = () => readHistory(rigConfig().dataDir);

test('dry run returns the plan (secrets redacted, image defaults named) and changes nothing', async () => {
  const before = configOf(await inspect('bot_paper'));
  const records = history().length;
  const { code, result } = await runJson(deployArgs('atc-sim:1.1.0', '--dry-run'));
  expect([code, result.outcome]).toEqual([0, 'planned']);
  expect(result.plan).toMatchObject({
    from: { image: BASE_IMAGE, imageId: before.Image },
    to: { image: 'atc-sim:1.1.0' },
    container: 'bot_paper',
    analysisWindowMs: 3000,
  });
  expect(result.plan!.carriedOver.env).toContain('SIM_NAME=bot_paper');
  expect(result.plan!.carriedOver.imageDefaultsDropped).toEqual(expect.arrayContaining(['env SIM_VERSION', 'cmd']));
  expect(result.plan!.gates.map((g) => g.query)).toEqual([
    'up{job="bot_paper"}',
    'max(atc_bot_drawdown_pct{job="bot_paper"})',
  ]);
  expect(configOf(await inspect('bot_paper'))).toEqual(before);
  expect(history()).toHaveLength(records);
});

test('good deploy in paper 1.0.0 → 1.1.0 keeps the configuration, then rollback returns to 1.0.0 from the history', async () => {
  const old = await inspect('bot_paper');
  const { code, result } = await runJson(deployArgs('atc-sim:1.1.0'));
  expect([code, result.outcome]).toEqual([0, 'succeeded']);
  expect(result.bot).toMatchObject({ previousNewOrders: true, haltPath: 'halted', newOrdersAfter: true });
  expect(await expectExactlyOne('bot_paper')).toBe('atc-sim:1.1.0');
  const now = await inspect('bot_paper');
  expect(now.Id).not.toBe(old.Id);
  const own = (env: string[] | undefined) =>
    (env ?? []).filter((e) => !/^(SIM_VERSION|SIM_BEHAVIOR|NODE_ENV)=/.test(e));
  expect(own(now.Config.Env)).toEqual(own(old.Config.Env));
  expect(now.Config.Env).toContain('SIM_VERSION=1.1.0'); // the new image's default, not the old one's
  expect(now.Config.Labels).toMatchObject({
    'atc.rig': '1',
    'atc.service': 'bot_paper',
    'atc.role': 'bot',
    'atc.sim.version': '1.1.0',
  });
  expect([now.Config.Healthcheck, now.HostConfig.NetworkMode, now.HostConfig.RestartPolicy]).toEqual([
    old.Config.Healthcheck,
    old.HostConfig.NetworkMode,
    old.HostConfig.RestartPolicy,
  ]);
  expect(await simState(sim('bot_paper'))).toMatchObject({ version: '1.1.0', newOrdersEnabled: true });
  expect(history().at(-1)).toMatchObject({
    workflowId: 'deploy-paper-bot_paper',
    outcome: 'succeeded',
    from: { image: BASE_IMAGE },
    to: { image: 'atc-sim:1.1.0' },
    requestedBy: 'tester',
  });
  const listed = JSON.parse((await atc(['deployments', '--service', 'bot_paper', '--json'])).stdout) as {
    to: { image: string };
  }[];
  expect(listed[0]!.to.image).toBe('atc-sim:1.1.0');

  const back = await runJson(['run', 'rollback', '--env', 'paper', '--service', 'bot_paper', '--as', 'tester']);
  expect([back.code, back.result.runbook, back.result.image, back.result.outcome]).toEqual([
    0,
    'rollback',
    BASE_IMAGE,
    'succeeded',
  ]);
  expect(await expectExactlyOne('bot_paper')).toBe(BASE_IMAGE);
  expect(await simState(sim('bot_paper'))).toMatchObject({ version: '1.0.0' });
});

test('a version that breaches a gate is rolled back automatically: the old container runs with its original configuration', async () => {
  const before = configOf(await inspect('bot_paper'));
  const { code, result } = await runJson(deployArgs('atc-sim:1.2.0-breach'));
  expect([code, result.outcome]).toEqual([1, 'rolled-back']);
  expect(result.rollback).toMatchObject({ restored: true });
  expect(result.rollback!.reason).toMatch(/gate failed .*bot drawdown: \d+(\.\d+)? \(must be < 10\)/);
  expect(result.gates!.find((g) => g.name === 'bot drawdown')).toMatchObject({ pass: false });
  expect(await expectExactlyOne('bot_paper')).toBe(BASE_IMAGE);
  expect(configOf(await inspect('bot_paper'))).toEqual(before);
  expect(history().at(-1)).toMatchObject({ outcome: 'rolled-back', to: { image: 'atc-sim:1.2.0-breach' } });
});

test('a version that never becomes healthy is rolled back', async () => {
  const before = configOf(await inspect('bot_paper'));
  const { code, result } = await runJson(deployArgs('atc-sim:1.3.0-unhealthy'));
  expect([code, result.outcome]).toEqual([1, 'rolled-back']);
  expect(result.rollback!.reason).toMatch(/new container not ready: bot_paper is (unhealthy|starting) after 15000 ms/);
  expect(await expectExactlyOne('bot_paper')).toBe(BASE_IMAGE);
  expect(configOf(await inspect('bot_paper'))).toEqual(before);
});

test('one deploy per service at a time: a second start is refused with the running one’s id', async () => {
  const first = await client.workflow.start('deploy', {
    taskQueue: rigConfig().temporal.taskQueue,
    workflowId: 'deploy-paper-bot_paper',
    args: [
      {
        environment: 'paper',
        service: 'bot_paper',
        image: 'atc-sim:1.1.0',
        requestedBy: 'tester',
        pauseAfterStep: 'plan',
      },
    ],
  });
  await waitFor('the deploy paused after plan', async () => (await first.query(progressQuery)).waitingFor, {
    timeoutMs: 20_000,
  });
  const second = await atc(deployArgs('atc-sim:1.1.0'));
  expect(second.code).toBe(1);
  expect(second.stdout).toContain(
    `deploy refused by rule one-at-a-time: deploy-paper-bot_paper is already running (run ${first.firstExecutionRunId}`,
  );
  // started under another id (e.g. from the Temporal UI): the preflight refuses it and names the running one
  const other = await client.workflow.execute('deploy', {
    taskQueue: rigConfig().temporal.taskQueue,
    workflowId: `deploy-ui-${Date.now()}`,
    args: [{ environment: 'paper', service: 'bot_paper', image: 'atc-sim:1.1.0' }],
  });
  expect(other.outcome).toBe('refused');
  expect(other.refusals).toContainEqual({
    rule: 'one-deploy-at-a-time',
    detail: 'already running for bot_paper: deploy-paper-bot_paper',
  });
  await first.cancel();
  expect((await first.result()) as DeployResult).toMatchObject({
    outcome: 'cancelled',
    detail: 'cancelled before any change',
  });
  expect(await expectExactlyOne('bot_paper')).toBe(BASE_IMAGE);
});

test('feed before bot: a bot deploy while the feed is faulty is refused and changes nothing', async () => {
  const before = configOf(await inspect('bot_paper'));
  await fault('live_connector', 'latency');
  await waitSection('feed', 'paper', (s) => s.status === 'FAIL', 30_000);
  const { code, result } = await runJson(deployArgs('atc-sim:1.1.0'));
  expect([code, result.outcome]).toEqual([1, 'refused']);
  expect(result.refusals.find((r) => r.rule === 'feed-before-bot')?.detail).toMatch(
    /^feed FAIL: live_connector latency FAIL/,
  );
  expect(configOf(await inspect('bot_paper'))).toEqual(before);
  expect((await containersOf('bot_paper')).length).toBe(1);
});
