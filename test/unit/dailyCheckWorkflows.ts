/**
 * The workflows of the daily-check unit tests: the real dailyCheck and a stub botHalt child (the real one has its
 * own tests). The stub fails for a bot named bot_broken, as a halt that could not make a bot safe would.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { BotHaltInput, BotHaltResult } from '../../src/runbooks/bot-halt/contract';

export { dailyCheck } from '../../src/runbooks/daily-check/workflow';

export async function botHalt(input: BotHaltInput): Promise<BotHaltResult> {
  if (input.service === 'bot_broken')
    throw ApplicationFailure.nonRetryable('bot_broken NOT SAFE: container stop failed', 'BotNotSafe');
  return {
    service: input.service,
    path: 'halted',
    confirmed: true,
    detail: `stub: ${input.service} halted (${input.reason})`,
  };
}
