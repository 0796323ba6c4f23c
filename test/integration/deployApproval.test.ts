/**
 * deploy in live on the rig: it waits for an approval (the plan shown in the request), self-approval and
 * non-approvers are refused, a timeout cancels with nothing changed; an approval by another approver deploys,
 * and the rollback needs an approval again. bot_live is left on 1.0.0.
 */
import type { Client } from '@temporalio/client';
import { progressQuery } from '../../src/runbooks/shared/messages';
import { atc } from '../support/cli';
import { botSimState, closeRigDeps } from './support/dailyCheckRig';
import { waitFor } from '../support/waitFor';
import {
  BASE_IMAGE,
  configOf,
  expectExactlyOne,
  inspect,
  runJson,
  settleRig,
  temporalClient,
} from './support/deployRig';

let client: Client;
beforeAll(async () => {
  client = await temporalClient();
  await settleRig();
  await liveBackToBase();
}, 240_000);
afterEach(async () => liveBackToBase(), 240_000);
afterAll(async () => {
  await settleRig();
  await closeRigDeps();
  await client?.connection.close();
}, 240_000);

/** No deploy of bot_live left running, and bot_live on 1.0.0 (deployed with an approval when a test left it elsewhere). */
async function liveBackToBase(): Promise<void> {
  const handle = client.workflow.getHandle(ID);
  if ((await handle.describe().catch(() => undefined))?.status.name === 'RUNNING')
    await handle.terminate('deploy approval tests: cleanup');
  if ((await inspect('bot_live')).Config.Image === BASE_IMAGE) return;
  const deploying = atc(liveArgs('--image', BASE_IMAGE));
  await waitingFor();
  await atc(['approve', ID, '--as', 'bob']);
  const r = await deploying;
  if (r.code !== 0) throw new Error(`could not put bot_live back on ${BASE_IMAGE}: ${r.stdout}${r.stderr}`);
}

const ID = 'deploy-live-bot_live';
const liveArgs = (...more: string[]) => [
  'run',
  'deploy',
  '--env',
  'live',
  '--service',
  'bot_live',
  '--as',
  'alice',
  ...more,
];

async function waitingFor(): Promise<string> {
  return waitFor(
    'the deploy waiting for an approval',
    async () => {
      const p = await client.workflow.getHandle(ID).query(progressQuery);
      return p.waitingFor?.startsWith('approval') && p.waitingFor;
    },
    { timeoutMs: 30_000 },
  );
}

test('live deploy waits for approval; self-approval and non-approvers refused; the timeout cancels with nothing changed', async () => {
  const before = configOf(await inspect('bot_live'));
  const haltCalls = (await botSimState('bot_live')).haltCalls;
  const deploying = runJson([
    'run',
    'deploy',
    '--input',
    JSON.stringify({
      environment: 'live',
      service: 'bot_live',
      image: 'atc-sim:1.1.0',
      requestedBy: 'alice',
      approvalTimeout: '20s',
    }),
  ]);
  expect(await waitingFor()).toMatch(
    /^approval by one of: bob, carol \(within 20 s\) — plan: bot_live: atc-sim:1.0.0 \(\w{12}\) → atc-sim:1.1.0/,
  );
  const self = await atc(['approve', ID, '--as', 'alice']);
  expect([self.code, self.stderr.trim()]).toEqual([
    2,
    'atc: approve refused: alice requested this deploy and cannot approve it (four eyes)',
  ]);
  const stranger = await atc(['approve', ID, '--as', 'mallory']);
  expect(stranger.stderr).toMatch(/mallory is not an allowed approver \(allowed: alice, bob, carol\)/);
  const { code, result } = await deploying;
  expect([code, result.outcome, result.approval]).toEqual([1, 'cancelled', { required: true, timedOut: true }]);
  expect(result.detail).toBe('no approval within the timeout; nothing changed');
  expect(configOf(await inspect('bot_live'))).toEqual(before);
  expect((await botSimState('bot_live')).haltCalls).toBe(haltCalls); // not even halted
});

test('approved by another approver → deployed in live; the rollback needs an approval again', async () => {
  const deploying = runJson(liveArgs('--image', 'atc-sim:1.1.0', '--reason', 'release 1.1.0'));
  await waitingFor();
  expect((await atc(['approve', ID, '--as', 'bob', '--comment', 'looks good'])).code).toBe(0);
  const { code, result } = await deploying;
  expect([code, result.outcome, result.approval]).toEqual([
    0,
    'succeeded',
    { required: true, approvedBy: 'bob', comment: 'looks good', timedOut: false },
  ]);
  expect(await expectExactlyOne('bot_live')).toBe('atc-sim:1.1.0');

  const rolling = runJson(['run', 'rollback', '--env', 'live', '--service', 'bot_live', '--as', 'alice']);
  await waitingFor();
  expect((await atc(['approve', ID, '--as', 'carol'])).code).toBe(0);
  const back = await rolling;
  expect([back.code, back.result.outcome, back.result.image, back.result.approval?.approvedBy]).toEqual([
    0,
    'succeeded',
    BASE_IMAGE,
    'carol',
  ]);
  expect(await expectExactlyOne('bot_live')).toBe(BASE_IMAGE);
});
