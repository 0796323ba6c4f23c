/**
 * kill -9 of the worker in the middle of a daily check (own task queue, `atc serve` as a child process): the feed is
 * in a disconnect loop (no alert rule fires for it, so no incident halts the bot as well) and bot_paper ignores halts, so the check is waiting on its bot-halt child when the worker dies. After a
 * restart the check completes: the bot's container is stopped (the fail-safe's last resort) and it got one halt call.
 */
import { Client, Connection } from '@temporalio/client';
import { progressQuery } from '../../src/runbooks/shared/messages';
import type { DailyCheckResult } from '../../src/runbooks/daily-check/contract';
import { killService, killServices, serviceConfigFor, startService } from '../support/cli';
import { rigState } from '../support/rig';
import {
  botSimState,
  closeRigDeps,
  fault,
  itemStatus,
  restoreRig,
  rigDeps,
  waitSection,
} from './support/dailyCheckRig';
import { waitFor } from '../support/waitFor';
import { createPrometheusClient } from '../../src/integrations/prometheus';

const taskQueue = `daily-kill-${Date.now()}`;
let client: Client;
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
  client = new Client({ connection });
  await restoreRig();
}, 180_000);
afterAll(async () => {
  await killServices();
  await connection?.close();
  await restoreRig();
  await closeRigDeps();
}, 180_000);

test('kill -9 while the check waits on its bot-halt child; after a restart it completes, one halt call', async () => {
  const file = serviceConfigFor(taskQueue);
  const first = await startService(file);
  const haltsBefore = (await botSimState('bot_paper')).haltCalls;
  await fault('bot_paper', 'ignore-halt');
  await fault('live_connector', 'disconnect-loop');
  await waitSection('feed', 'paper', itemStatus('live_connector reconnects in 20s', 'FAIL'));
  const handle = await client.workflow.start('dailyCheck', {
    taskQueue,
    workflowId: `daily-kill-${Date.now()}`,
    args: [{ environment: 'paper' }],
  });
  // Wait until the child has sent its halt; it then waits for a confirmation that never comes (ignore-halt).
  await waitFor('the halt call', async () => (await botSimState('bot_paper')).haltCalls > haltsBefore, {
    timeoutMs: 30_000,
  });
  // Exactly one halt: wait for the check's own signal that it now waits on the confirmation, then count.
  const halting = (st: { name: string; status: string }) => st.name === 'halt bot_paper' && st.status === 'running';
  await waitFor('the halt step running', async () => (await handle.query(progressQuery)).steps.some(halting));
  expect((await botSimState('bot_paper')).haltCalls).toBe(haltsBefore + 1);
  expect((await handle.query(progressQuery)).steps).toContainEqual(
    expect.objectContaining({ name: 'halt bot_paper', status: 'running' }),
  );
  await killService(first);
  expect(first.signalCode).toBe('SIGKILL');
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await startService(file);
  const result = (await handle.result()) as DailyCheckResult;
  expect(result.overall).toBe('FAIL');
  expect(result.haltedBots).toEqual([
    expect.objectContaining({ service: 'bot_paper', result: expect.objectContaining({ path: 'container-stopped' }) }),
  ]);
  expect((await rigDeps().containers.status('bot_paper')).running).toBe(false);
  // The container is gone, Prometheus kept its last scrape: still exactly one halt request.
  const prom = createPrometheusClient(rigDeps().config.prometheus.url);
  const last = await prom.query('last_over_time(atc_bot_halt_requests_total{job="bot_paper"}[2m])');
  expect(last.samples.map((s) => s.value)).toEqual([haltsBefore + 1]);
}, 180_000);
