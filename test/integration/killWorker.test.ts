/** A worker killed with SIGKILL in the middle of a running workflow, then restarted: the workflow completes. */
import { Client, Connection } from '@temporalio/client';
import { progressQuery } from '../../src/runbooks/shared/messages';
import type { RigSmokeResult } from '../../src/runbooks/rig-smoke/contract';
import { killService, killServices, serviceConfigFor, startService } from '../support/cli';
import { rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

const taskQueue = `kill-test-${Date.now()}`;
let client: Client;
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
  client = new Client({ connection });
});
afterAll(async () => {
  await killServices();
  await connection?.close();
});

test('kill -9 of the worker mid-workflow; after a restart the workflow completes', async () => {
  const file = serviceConfigFor(taskQueue);
  const first = await startService(file);
  const handle = await client.workflow.start('rigSmoke', {
    taskQueue,
    workflowId: `kill-test-${Date.now()}`,
    args: [{ environment: 'paper', rounds: 3, intervalSeconds: 3 }],
  });
  // Wait until round 1 is done, then kill the worker while the workflow is between rounds.
  await waitFor(
    'round 1 done',
    async () => {
      const p = await handle.query(progressQuery);
      return p.steps.length >= 5 && p.steps.every((s) => s.status !== 'running');
    },
    { timeoutMs: 20_000 },
  );
  await killService(first);
  expect(first.signalCode).toBe('SIGKILL');
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await startService(file);
  const result = (await handle.result()) as RigSmokeResult;
  expect(result.ok).toBe(true);
  expect(result.rounds).toBe(3);
  expect(new Set(result.findings.map((f) => f.round))).toEqual(new Set([1, 2, 3]));
});
