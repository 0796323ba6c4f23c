/** rig-smoke with stubbed activities on a Temporal test server: aggregation, failure reporting, input validation. */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { RigSmokeResult, SmokeFinding } from '../../src/runbooks/rig-smoke/contract';
import type { StubActivities } from './support/stubs';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';

const { client, withWorker } = useTestWorkflows();

const ok = (detail: string) => async (): Promise<SmokeFinding> => ({ ok: true, detail });
function stubs(overrides: StubActivities = {}) {
  return {
    listBots: async () => ['bot_paper'],
    smokeListContainers: ok('3/3 running'),
    smokeQueryPrometheus: ok('4/4 up'),
    smokeListAlerts: ok('0 active'),
    smokeSelectTrading: ok('720 rows'),
    smokeReadBotState: async (b: string) => ({ ok: true, detail: `${b} enabled` }),
    ...overrides,
  } satisfies StubActivities;
}

async function runSmoke(activities: StubActivities, input: unknown, id: string) {
  return withWorker({ activities, taskQueuePrefix: 'rig-smoke-test' }, async (taskQueue) => {
    const handle = await client().workflow.start('rigSmoke', {
      taskQueue,
      workflowId: `${id}-${Date.now()}`,
      args: [input],
    });
    const result = (await handle.result()) as RigSmokeResult;
    return { result, handle };
  });
}

test('every integration answers → ok, one finding per check', async () => {
  const { result, handle } = await runSmoke(stubs(), { environment: 'paper' }, 'smoke-ok');
  expect(result.ok).toBe(true);
  expect(result.findings.map((f) => f.check)).toEqual([
    'docker: list containers',
    'prometheus: query up',
    'alertmanager: list alerts',
    'postgres: select from trading',
    'bot control: bot_paper state',
  ]);
  await maybeRecordHistory(handle, 'rigSmoke-ok');
});

test('an unreachable part is a failed finding with its reason, never a pass', async () => {
  const down = async () => {
    throw ApplicationFailure.nonRetryable('Prometheus at http://127.0.0.1:1 is unreachable', 'UnreachableError');
  };
  const { result, handle } = await runSmoke(
    stubs({ smokeQueryPrometheus: down }),
    { environment: 'paper' },
    'smoke-down',
  );
  expect(result.ok).toBe(false);
  const prom = result.findings.find((f) => f.check === 'prometheus: query up');
  expect(prom).toMatchObject({ ok: false });
  expect(prom?.detail).toContain('unreachable');
  expect(result.findings.filter((f) => f.ok)).toHaveLength(4);
  await maybeRecordHistory(handle, 'rigSmoke-down');
});

test('bad input from the Temporal UI fails at once with the reason', async () => {
  const err = await runSmoke(stubs(), { environment: 'PROD!!', extra: 1 }, 'smoke-bad').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('BadInput');
  expect(cause.message).toMatch(/environment/);
  expect(cause.message).toMatch(/extra/);
});
