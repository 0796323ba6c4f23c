/**
 * The bot around a deploy: before the swap, read its new-orders state, halt it through the `botHalt` child and wait
 * for open orders 0 (bounded); afterwards, on whichever container runs, new orders = previous state AND feed healthy.
 */
import { executeChild } from '@temporalio/workflow';
import { botHalt } from '../bot-halt/workflow';
import type { DeployPlan } from './contract';
import { feedActs, feedVerdict, quick, waitActs } from './runtime';
import { failureText } from '../shared/failures';
import type { DeployContext } from './runtime';

/** Reads the bot's new-orders state, halts it through the botHalt child, waits for open orders 0. False: do not swap. */
export async function haltBot(ctx: DeployContext, plan: DeployPlan): Promise<boolean> {
  const { req, steps, key } = ctx;
  steps.begin('halt-bot');
  ctx.result.bot = {};
  try {
    ctx.result.bot.previousNewOrders = (await quick.deployBotState(req.service)).newOrdersEnabled;
    const why = `${req.runbook} of ${req.image}${req.reason ? `: ${req.reason}` : ''}`;
    const halt = await executeChild(botHalt, {
      args: [{ environment: req.environment, service: req.service, reason: why, requestedBy: req.requestedBy }],
      workflowId: `${key.workflowId}-halt-${key.runId}`,
    });
    ctx.result.bot.haltPath = halt.path;
    const drained = await waitActs(plan.openOrdersTimeoutMs).deployWaitOpenOrders({
      service: req.service,
      timeoutMs: plan.openOrdersTimeoutMs,
    });
    if (!drained.ok) throw new Error(`open orders did not reach 0: ${drained.detail}`);
    steps.end('halt-bot', 'ok', `${halt.path}; ${drained.detail}`);
    await ctx.pause('halt-bot');
    return true;
  } catch (err) {
    const detail = `bot halt before the swap failed, nothing swapped: ${failureText(err)}`;
    steps.end('halt-bot', 'failed', detail);
    ctx.result.detail = detail;
    return false;
  }
}

/** New orders on the bot that runs now: its previous state, but only when the feed is healthy (else halted). */
export async function restoreBotOrders(ctx: DeployContext, plan: DeployPlan): Promise<void> {
  const { req, steps } = ctx;
  const bot = (ctx.result.bot ??= {});
  if (bot.previousNewOrders === undefined) return; // never read: leave the bot alone
  steps.begin('bot-orders');
  const feed = await feedActs
    .checkFeed(req.environment)
    .then(feedVerdict, (err: unknown) => ({ healthy: false, detail: `feed check failed: ${failureText(err)}` }));
  const enabled = bot.previousNewOrders && feed.healthy;
  try {
    const state = await quick.deploySetNewOrders({
      service: req.service,
      enabled,
      reason: `after ${req.runbook} (${ctx.result.outcome}): ${feed.detail}`,
    });
    bot.newOrdersAfter = state.newOrdersEnabled;
    bot.detail = `newOrdersEnabled=${state.newOrdersEnabled} (before the ${req.runbook}: ${bot.previousNewOrders}; ${feed.detail})`;
    steps.end('bot-orders', 'ok', bot.detail);
  } catch (err) {
    bot.detail = `could not set newOrdersEnabled=${enabled} on ${plan.container}: ${failureText(err)}`;
    steps.end('bot-orders', 'failed', bot.detail);
  }
  await ctx.pause('bot-orders');
}
