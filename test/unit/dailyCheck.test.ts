/**
 * daily-check with stubbed activities (and a stub botHalt child) on the real dev server: aggregation, the feed
 * fail-safe, UNKNOWN never OK, bad input. The plan activity is the real one over a rig-like config.
 */
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { dailyCheckPlan } from '../../src/runbooks/daily-check/activities/report';
import type { CheckSection, CheckStatus, SectionName } from '../../src/runbooks/daily-check/contract';
import type { ActivityDeps } from '../../src/runbooks/shared/deps';
import { parseConfig } from '../../src/config';
import { outcomeKey } from '../../src/runbooks/shared/messages';
import type { DailyCheckResult } from '../../src/runbooks/daily-check/contract';
import type { StubActivities } from './support/stubs';
import { maybeRecordHistory, useTestWorkflows } from './support/temporal';

const { client, withWorker } = useTestWorkflows(path.join(__dirname, 'dailyCheckWorkflows.ts'));

const config = parseConfig({
  environments: { dev: { haltBotsOnFeedFailure: false }, paper: {}, live: {} },
  services: [
    { name: 'feed', role: 'feed', environments: ['dev', 'paper', 'live'], container: 'feed' },
    {
      name: 'bot_paper',
      role: 'bot',
      environments: ['paper'],
      container: 'bot_paper',
      controlUrl: 'http://127.0.0.1:1',
    },
    {
      name: 'bot_broken',
      role: 'bot',
      environments: ['paper'],
      container: 'bot_broken',
      controlUrl: 'http://127.0.0.1:2',
    },
    { name: 'bot_live', role: 'bot', environments: ['live'], container: 'bot_live', controlUrl: 'http://127.0.0.1:3' },
    { name: 'bot_dev', role: 'bot', environments: ['dev'], container: 'bot_dev', controlUrl: 'http://127.0.0.1:4' },
  ],
});

function section(name: SectionName, status: CheckStatus): CheckSection {
  const item = {
    name: `${name} item`,
    status,
    value: status === 'UNKNOWN' ? null : 1,
    threshold: 'fail > 1',
    evidence: [{ source: 'prometheus' as const, call: 'q', response: '[]' }],
  };
  return { section: name, status, items: [item], durationMs: 5 };
}

type Statuses = Partial<Record<SectionName, CheckStatus>>;
function stubs(statuses: Statuses = {}, overrides: StubActivities = {}) {
  const s = (name: SectionName) => async () => section(name, statuses[name] ?? 'OK');
  const notified: unknown[] = [];
  return {
    notified,
    activities: {
      dailyCheckPlan: async (environment: string) => {
        try {
          return dailyCheckPlan({ config } as ActivityDeps, environment);
        } catch (err) {
          throw ApplicationFailure.nonRetryable((err as Error).message, 'BadInputError');
        }
      },
      checkSystem: s('system'),
      checkFeed: s('feed'),
      checkBots: s('bots'),
      checkDrift: s('drift'),
      checkAlerts: s('alerts'),
      writeDailyCheckReport: async (id: string) => `/reports/${id}.md`,
      notifyDailyCheck: async (n: unknown) => void notified.push(n),
      ...overrides,
    } satisfies StubActivities,
  };
}

async function runCheck(activities: StubActivities, input: unknown, id: string) {
  return withWorker({ activities, taskQueuePrefix: 'daily-check-test' }, async (taskQueue) => {
    const handle = await client().workflow.start('dailyCheck', {
      taskQueue,
      workflowId: `${id}-${Date.now()}`,
      args: [input],
    });
    const result = (await handle.result()) as DailyCheckResult;
    const outcome = (await handle.describe()).typedSearchAttributes.get(outcomeKey);
    return { result, handle, outcome };
  });
}

test('all five sections OK → overall OK, no halt, report written and notified at info', async () => {
  const { activities, notified } = stubs();
  const { result, handle, outcome } = await runCheck(activities, { environment: 'paper' }, 'dc-ok');
  expect(result.overall).toBe('OK');
  expect(result.sections.map((s) => s.section)).toEqual(['system', 'feed', 'bots', 'drift', 'alerts']);
  expect(result.haltedBots).toEqual([]);
  expect(result.failSafe.triggered).toBe(false);
  expect(result.reportPath).toBe(`/reports/${handle.workflowId}.md`);
  expect(result.markdown).toContain('# Daily check: paper — ✅ OK');
  expect(outcome).toBe('ok');
  expect(notified).toEqual([
    expect.objectContaining({ environment: 'paper', overall: 'OK', workflowId: handle.workflowId }),
  ]);
  await maybeRecordHistory(handle, 'dailyCheck-ok');
});

test('overall is the worst section: WARN < UNKNOWN < FAIL', async () => {
  const warn = await runCheck(stubs({ drift: 'WARN' }).activities, { environment: 'dev' }, 'dc-warn');
  expect([warn.result.overall, warn.outcome]).toEqual(['WARN', 'warn']);
  const unknown = await runCheck(
    stubs({ drift: 'WARN', alerts: 'UNKNOWN' }).activities,
    { environment: 'dev' },
    'dc-unknown',
  );
  expect([unknown.result.overall, unknown.outcome]).toEqual(['UNKNOWN', 'unknown']);
  const fail = await runCheck(stubs({ bots: 'FAIL', alerts: 'UNKNOWN' }).activities, { environment: 'dev' }, 'dc-fail');
  expect([fail.result.overall, fail.outcome]).toEqual(['FAIL', 'fail']);
  expect(fail.result.haltedBots).toEqual([]); // a bot FAIL is not a feed failure: no fail-safe
});

test('feed FAIL in paper → a botHalt child per bot; a failed halt is recorded, not lost', async () => {
  const { activities, notified } = stubs({ feed: 'FAIL' });
  const { result, handle } = await runCheck(activities, { environment: 'paper' }, 'dc-halt');
  expect(result.overall).toBe('FAIL');
  expect(result.failSafe).toMatchObject({ triggered: true });
  const byBot = Object.fromEntries(result.haltedBots.map((h) => [h.service, h]));
  expect(Object.keys(byBot).sort()).toEqual(['bot_broken', 'bot_paper']);
  expect(byBot.bot_paper).toMatchObject({
    workflowId: `bot-halt-paper-bot_paper-${handle.workflowId}`,
    result: { path: 'halted', confirmed: true },
  });
  expect(byBot.bot_broken!.error).toMatch(/NOT SAFE/);
  expect(result.markdown).toMatch(/bot_broken\*\*: halt FAILED/);
  expect(JSON.stringify(notified)).toMatch(/fail-safe/);
  await maybeRecordHistory(handle, 'dailyCheck-feedfail-halts');
});

test('feed UNKNOWN in live halts live bots; dev (haltBotsOnFeedFailure: false) only reports; WARN never halts', async () => {
  const live = await runCheck(stubs({ feed: 'UNKNOWN' }).activities, { environment: 'live' }, 'dc-live');
  expect(live.result.haltedBots.map((h) => [h.service, h.result?.path])).toEqual([['bot_live', 'halted']]);
  const dev = await runCheck(stubs({ feed: 'FAIL' }).activities, { environment: 'dev' }, 'dc-dev');
  expect(dev.result.haltedBots).toEqual([]);
  expect(dev.result.failSafe).toEqual({ triggered: false, reason: expect.stringMatching(/report only, no halt/) });
  expect(dev.result.markdown).toContain('report only, no halt');
  await maybeRecordHistory(dev.handle, 'dailyCheck-dev-reportonly');
  const warn = await runCheck(stubs({ feed: 'WARN' }).activities, { environment: 'paper' }, 'dc-feedwarn');
  expect(warn.result.haltedBots).toEqual([]);
});

test('a check activity that keeps failing is an UNKNOWN section with the error, never OK', async () => {
  const broken = async () => {
    throw ApplicationFailure.nonRetryable('drift check crashed: boom', 'Error');
  };
  const { result, handle } = await runCheck(
    stubs({}, { checkDrift: broken }).activities,
    { environment: 'paper' },
    'dc-broken',
  );
  const drift = result.sections.find((s) => s.section === 'drift')!;
  expect(drift.status).toBe('UNKNOWN');
  expect(drift.items[0]!.evidence[0]!.response).toContain('boom');
  expect(result.overall).toBe('UNKNOWN');
  await maybeRecordHistory(handle, 'dailyCheck-activityfails');
});

test('--only: a partial re-check runs the sections asked for, says which were skipped, decides the fail-safe only with the feed', async () => {
  const called: string[] = [];
  const spy = (name: SectionName, status: CheckStatus) => async () => (called.push(name), section(name, status));
  const overrides = {
    checkSystem: spy('system', 'OK'),
    checkFeed: spy('feed', 'FAIL'),
    checkBots: spy('bots', 'WARN'),
    checkDrift: spy('drift', 'OK'),
    checkAlerts: spy('alerts', 'OK'),
  };
  const botsOnly = await runCheck(
    stubs({}, overrides).activities,
    { environment: 'paper', sections: ['bots'] },
    'dc-only-bots',
  );
  expect(called).toEqual(['bots']);
  expect(botsOnly.result.sections.map((s) => s.section)).toEqual(['bots']);
  expect(botsOnly.result).toMatchObject({
    overall: 'WARN',
    skipped: ['system', 'feed', 'drift', 'alerts'],
    haltedBots: [],
    failSafe: { triggered: false },
  });
  expect(botsOnly.result.markdown).toContain('**Partial check**: system, feed, drift, alerts not checked');
  called.length = 0;
  const feedToo = await runCheck(
    stubs({}, overrides).activities,
    { environment: 'paper', sections: ['feed', 'system'] },
    'dc-only-feed',
  );
  expect(called.sort()).toEqual(['feed', 'system']);
  expect(feedToo.result.sections.map((s) => s.section)).toEqual(['system', 'feed']); // always in the routine's order
  expect(feedToo.result.overall).toBe('FAIL');
  expect(feedToo.result.haltedBots.map((h) => h.service).sort()).toEqual(['bot_broken', 'bot_paper']); // feed before bot still holds
  await maybeRecordHistory(feedToo.handle, 'dailyCheck-partial-feed');
  for (const sections of [[], ['feed', 'feed'], ['network']]) {
    const bad = await runCheck(stubs().activities, { environment: 'paper', sections }, 'dc-only-bad').catch(
      (e: unknown) => e,
    );
    expect(((bad as WorkflowFailedError).cause as ApplicationFailure).type).toBe('BadInput');
  }
});

test('a failed notification is recorded in the result; the report stands', async () => {
  const down = async () => {
    throw ApplicationFailure.nonRetryable('webhook down', 'TransientError');
  };
  const { result } = await runCheck(
    stubs({}, { notifyDailyCheck: down }).activities,
    { environment: 'paper' },
    'dc-notify',
  );
  expect(result.overall).toBe('OK');
  expect(result.notifyError).toMatch(/webhook down/);
});

test('bad input fails at once with the reason: malformed environment, extra keys, unknown environment', async () => {
  const bad = await runCheck(stubs().activities, { environment: 'PROD!!', extra: 1 }, 'dc-bad').catch(
    (e: unknown) => e,
  );
  expect(bad).toBeInstanceOf(WorkflowFailedError);
  const cause = (bad as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('BadInput');
  expect(cause.message).toMatch(/environment/);
  expect(cause.message).toMatch(/extra/);
  const unknown = await runCheck(stubs().activities, { environment: 'stage' }, 'dc-unknown-env').catch(
    (e: unknown) => e,
  );
  expect(((unknown as WorkflowFailedError).cause as ApplicationFailure).message).toMatch(/unknown environment "stage"/);
});
