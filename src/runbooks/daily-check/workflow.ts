/**
 * daily-check: the on-call routine. Steps: plan (bots, fail-safe flag) and the five checks in parallel (system,
 * feed, bots, drift, alerts, or the `sections` asked for; a failed activity is an UNKNOWN section, never OK) →
 * fail-safe: feed FAIL or UNKNOWN and haltBotsOnFeedFailure → a `botHalt` child per bot (results and failures
 * recorded) → write the Markdown report → notify. No compensations: checks only read; halts are never undone.
 */
import { ParentClosePolicy, executeChild, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BotHaltInput } from '../bot-halt/contract';
import { botHalt } from '../bot-halt/workflow';
import { badInput, failureText } from '../shared/failures';
import { persistentLocal, quickLocal } from '../shared/profiles';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';
import {
  dailyCheckInput,
  SECTION_NAMES,
  worstStatus,
  type CheckSection,
  type CheckStatus,
  type DailyCheckInput,
  type DailyCheckReport,
  type DailyCheckResult,
  type FailSafe,
  type HaltedBot,
  type SectionName,
} from './contract';
import { renderDailyCheckReport, summarizeDailyCheck } from './report';

// Local activities: every step is a short read (bounded by the integrations' 5 s timeouts) or a small write, so the
// worker runs them in-process without a round trip through the server per step; results are still recorded in the
// history (markers), and a worker that dies re-runs the unfinished ones (they are idempotent).
const act = proxyLocalActivities<Activities>(quickLocal);
const report = proxyLocalActivities<Activities>(persistentLocal);

export async function dailyCheck(raw: DailyCheckInput): Promise<DailyCheckResult> {
  const input = validateInput(dailyCheckInput, raw);
  const { environment } = input;
  tagExecution('daily-check', environment);
  const steps = new StepLog('daily-check');
  const { workflowId } = workflowInfo();
  const checkedAt = new Date().toISOString();
  // The plan (which also rejects an unknown environment) runs alongside the checks: one hop less on the way.
  const planned = steps
    .step(
      'plan',
      () => act.dailyCheckPlan(environment),
      (p) => `${p.bots.length} bot(s)`,
    )
    .catch(badInput);

  const runs: Record<SectionName, () => Promise<CheckSection>> = {
    system: () => act.checkSystem(environment, workflowId),
    feed: () => act.checkFeed(environment),
    bots: () => act.checkBots(environment),
    drift: () => act.checkDrift(environment),
    alerts: () => act.checkAlerts(environment),
  };
  const wanted = SECTION_NAMES.filter((name) => !input.sections || input.sections.includes(name));
  const skipped = SECTION_NAMES.filter((name) => !wanted.includes(name));
  const [plan, ...sections] = await Promise.all([
    planned,
    ...wanted.map((name) => runSection(steps, name, runs[name])),
  ]);
  const overall = worstStatus(sections.map((s) => s.status));

  const feed = sections.find((s) => s.section === 'feed');
  const failSafe = feed
    ? decideFailSafe(environment, feed.status, plan.haltBotsOnFeedFailure, plan.bots)
    : { triggered: false, reason: 'the feed was not checked in this run: no fail-safe decision' };
  const haltedBots = failSafe.triggered
    ? await haltBots(steps, environment, plan.bots, failSafe.reason, input.requestedBy)
    : [];

  const result: DailyCheckReport = {
    environment,
    workflowId,
    checkedAt,
    overall,
    sections,
    ...(skipped.length ? { skipped } : {}),
    failSafe,
    haltedBots,
  };
  const markdown = renderDailyCheckReport(result);
  const reportPath = await steps.step(
    'write report',
    () => report.writeDailyCheckReport(workflowId, markdown),
    (p) => p,
  );
  const text = summarizeDailyCheck(result, reportPath);
  const notifyError = await steps
    .step('notify', () => report.notifyDailyCheck({ environment, overall, workflowId, text }))
    .then(() => undefined, failureText);
  setOutcome(overall.toLowerCase() as Lowercase<CheckStatus>);
  steps.finish();
  return { ...result, reportPath, markdown, ...(notifyError ? { notifyError } : {}) };
}

/** Feed before bot: a feed that is FAIL or UNKNOWN halts every bot, where the environment's config says so. */
export function decideFailSafe(environment: string, feed: CheckStatus, enabled: boolean, bots: string[]): FailSafe {
  if (feed === 'OK' || feed === 'WARN') return { triggered: false, reason: `feed is ${feed}: no halt needed` };
  if (!enabled)
    return {
      triggered: false,
      reason: `feed is ${feed}, but haltBotsOnFeedFailure is off for ${environment}: report only, no halt`,
    };
  if (bots.length === 0) return { triggered: false, reason: `feed is ${feed}; ${environment} has no bots to halt` };
  return { triggered: true, reason: `feed is ${feed} in ${environment}: bot-halt started for ${bots.join(', ')}` };
}

async function runSection(steps: StepLog, name: SectionName, run: () => Promise<CheckSection>): Promise<CheckSection> {
  steps.begin(`check ${name}`);
  try {
    const section = await run();
    steps.end(
      `check ${name}`,
      section.status === 'OK' ? 'ok' : 'failed',
      `${section.status} (${section.items.length} items, ${section.durationMs} ms)`,
    );
    return section;
  } catch (err) {
    const detail = failureText(err);
    steps.end(`check ${name}`, 'failed', `UNKNOWN: ${detail}`);
    const item = {
      name: `${name} check`,
      status: 'UNKNOWN' as const,
      value: null,
      threshold: 'the check runs',
      evidence: [{ source: 'prometheus' as const, call: `activity check ${name}`, response: `error: ${detail}` }],
    };
    return { section: name, status: 'UNKNOWN', items: [item], durationMs: 0 };
  }
}

async function haltBots(
  steps: StepLog,
  environment: string,
  bots: string[],
  reason: string,
  requestedBy?: string,
): Promise<HaltedBot[]> {
  const parent = workflowInfo().workflowId;
  return Promise.all(
    bots.map(async (service): Promise<HaltedBot> => {
      const workflowId = `bot-halt-${environment}-${service}-${parent}`;
      const args: [BotHaltInput] = [
        { environment, service, reason: `daily check fail-safe: ${reason}`, requestedBy: requestedBy ?? 'daily-check' },
      ];
      steps.begin(`halt ${service}`, workflowId);
      try {
        const result = await executeChild(botHalt, { workflowId, args, parentClosePolicy: ParentClosePolicy.ABANDON });
        steps.end(`halt ${service}`, 'ok', `${result.path}: ${result.detail}`);
        return { service, workflowId, result };
      } catch (err) {
        const error = failureText(err);
        steps.end(`halt ${service}`, 'failed', error);
        return { service, workflowId, error };
      }
    }),
  );
}
