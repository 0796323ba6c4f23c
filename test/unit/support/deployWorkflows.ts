/**
 * The workflows of the deploy unit tests: the real deploy and rollback, and a stub botHalt child that reports its
 * call through an activity (so a test can check that the halt came before the swap). A bot named bot_broken fails.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { BotHaltInput, BotHaltResult } from '../../../src/runbooks/bot-halt/contract';

export { deploy } from '../../../src/runbooks/deploy/workflow';
export { rollback } from '../../../src/runbooks/deploy/workflow';

const act = proxyActivities<{ stubHaltCalled(service: string): Promise<void> }>({ startToCloseTimeout: '10s' });

export async function botHalt(input: BotHaltInput): Promise<BotHaltResult> {
  await act.stubHaltCalled(input.service);
  if (input.service === 'bot_broken')
    throw ApplicationFailure.nonRetryable('bot_broken NOT SAFE: container stop failed', 'BotNotSafe');
  return {
    service: input.service,
    path: 'halted',
    confirmed: true,
    detail: `stub: ${input.service} halted (${input.reason})`,
  };
}
