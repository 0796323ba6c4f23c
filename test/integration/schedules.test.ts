/**
 * `atc schedules apply|list` against the rig's Temporal: create from config, idempotent re-apply, update in place,
 * delete what the config dropped, and a triggered run starts a findable daily check. Cleans up what it created.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { parse, stringify } from 'yaml';
import { applyDesiredSchedules, currentManagedSchedules } from '../../src/client/schedules/apply';
import type { ScheduleRow } from '../../src/client/schedules/list';
import { environmentKey, runbookKey } from '../../src/runbooks/shared/messages';
import type { DailyCheckResult } from '../../src/runbooks/daily-check/contract';
import { atc } from '../support/cli';
import { rigConfig, rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

let client: Client;
let connection: Connection;
let before: Awaited<ReturnType<typeof currentManagedSchedules>>;

beforeAll(async () => {
  connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
  client = new Client({ connection });
  before = await currentManagedSchedules(client);
});
afterAll(async () => {
  // Put the schedules back as they were: the same definitions, the ones this test created deleted.
  await applyDesiredSchedules(client, before, rigConfig().temporal.taskQueue);
  await connection?.close();
});

/** A copy of the rig's config with its `schedules.dailyCheck` replaced. */
function configWith(dailyCheck: { environment: string; cron: string; timezone?: string }[], name: string): string {
  const state = rigState();
  const config = parse(readFileSync(state.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  config.schedules = { ...config.schedules, dailyCheck };
  const file = path.join(state.dir, `config-schedules-${name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

async function apply(file: string): Promise<Record<string, string>> {
  const r = await atc(['schedules', 'apply', '--json', '--config', file]);
  expect(r.code).toBe(0);
  const applied = JSON.parse(r.stdout) as { scheduleId: string; change: string }[];
  return Object.fromEntries(
    applied.filter((a) => a.scheduleId.startsWith('daily-check-')).map((a) => [a.scheduleId, a.change]),
  );
}

test('apply creates one schedule per configured environment, is idempotent, updates in place, deletes dropped ones', async () => {
  const three = configWith(
    ['dev', 'paper', 'live'].map((environment) => ({ environment, cron: '0 7 * * *', timezone: 'Europe/Prague' })),
    'three',
  );
  const first = await apply(three);
  expect(Object.keys(first).sort()).toEqual(['daily-check-dev', 'daily-check-live', 'daily-check-paper']);
  expect(Object.values(first).every((c) => ['created', 'updated', 'unchanged'].includes(c))).toBe(true);
  expect(await apply(three)).toEqual({
    'daily-check-dev': 'unchanged',
    'daily-check-paper': 'unchanged',
    'daily-check-live': 'unchanged',
  });

  const d = await client.schedule.getHandle('daily-check-paper').describe();
  expect(d.policies.overlap).toBe('SKIP');
  expect(d.spec.timezone).toBe('Europe/Prague');
  expect(d.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'dailyCheck',
    workflowId: 'daily-check-paper',
    args: [{ environment: 'paper' }],
  });
  const attrs = d.action.typedSearchAttributes as TypedSearchAttributes;
  expect([attrs.get(runbookKey), attrs.get(environmentKey)]).toEqual(['daily-check', 'paper']);
  expect(d.info.nextActionTimes[0]!.getTime()).toBeGreaterThan(Date.now());

  const changed = configWith(
    [
      { environment: 'dev', cron: '30 6 * * 1-5', timezone: 'UTC' },
      { environment: 'paper', cron: '0 7 * * *', timezone: 'Europe/Prague' },
    ],
    'two',
  );
  expect(await apply(changed)).toEqual({
    'daily-check-dev': 'updated',
    'daily-check-paper': 'unchanged',
    'daily-check-live': 'deleted',
  });
  const dev = await client.schedule.getHandle('daily-check-dev').describe();
  expect(dev.spec.timezone).toBe('UTC');
  const next = dev.info.nextActionTimes[0]!;
  expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([6, 30]);
  expect([1, 2, 3, 4, 5]).toContain(next.getUTCDay());

  const listed = JSON.parse((await atc(['schedules', 'list', '--json', '--config', changed])).stdout) as ScheduleRow[];
  const rows = Object.fromEntries(listed.map((r) => [r.scheduleId, r]));
  expect(rows['daily-check-dev']).toMatchObject({
    exists: true,
    inConfig: true,
    upToDate: true,
    cron: '30 6 * * 1-5',
    timezone: 'UTC',
    environment: 'dev',
  });
  expect(rows['daily-check-live']).toBeUndefined();
  const text = await atc(['schedules', 'list', '--config', three]);
  expect(text.stdout).toMatch(/daily-check-dev\s+OUTDATED/);
  expect(text.stdout).toMatch(/daily-check-live\s+NOT APPLIED/);
});

test('a triggered schedule starts a daily check that is findable by runbook and environment', async () => {
  await apply(configWith([{ environment: 'dev', cron: '0 7 * * *' }], 'dev'));
  const handle = client.schedule.getHandle('daily-check-dev');
  await handle.trigger();
  const workflowId = await waitFor(
    'the scheduled run',
    async () => (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId,
    { timeoutMs: 20_000 },
  );
  expect(workflowId).toMatch(/^daily-check-dev-/);
  const run = client.workflow.getHandle(workflowId!);
  const result = (await run.result()) as DailyCheckResult;
  expect(result.environment).toBe('dev');
  expect(result.sections).toHaveLength(5);
  const attrs = (await run.describe()).typedSearchAttributes;
  expect([attrs.get(runbookKey), attrs.get(environmentKey)]).toEqual(['daily-check', 'dev']);
});
