/**
 * bot-halt: stop new orders of one bot, fast and verified (principles 1 and 5).
 * Steps: resolve the bot → request halt (skipped when the control state already says halted) → read the state
 * back until newOrdersEnabled=false or haltConfirmTimeout → if not confirmed: stop the bot's container and verify it
 * stopped (first silencing its own TargetDown alert, which bot-resume expires) → notify (warning) with the path
 * taken. Compensation: none; if neither path makes the bot safe, notify critical and fail.
 */
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { badInput, failureText } from '../shared/failures';
import { botContainer, botControl, waiting } from '../shared/profiles';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';
import type { BotWait } from './activities';
import { botHaltInput, type BotControlActivities, type BotHaltInput, type BotHaltResult } from './contract';

type BotActivities = BotControlActivities;
const act = proxyActivities<BotActivities>(botControl);
const stopAct = proxyActivities<BotActivities>(botContainer);

export async function botHalt(raw: BotHaltInput): Promise<BotHaltResult> {
  const input = validateInput(botHaltInput, raw);
  const { environment, service } = input;
  tagExecution('bot-halt', environment, service);
  const steps = new StepLog('bot-halt');
  const target = await steps
    .step(
      'resolve bot',
      () => act.botTarget(environment, service),
      (t) => `container ${t.container}`,
    )
    .catch(badInput);
  const notify = (severity: 'warning' | 'critical', title: string, text: string) =>
    act.notifyBotEvent({
      severity,
      title,
      text,
      runbook: 'bot-halt',
      workflowId: workflowInfo().workflowId,
      environment,
    });
  const reason = `${input.reason}${input.requestedBy ? ` (requested by ${input.requestedBy})` : ''}`;

  const halt = await haltAndConfirm(steps, service, reason, target.haltConfirmTimeoutMs);
  const { unconfirmed } = halt;
  let result = halt.result;
  if (!result) {
    await silenceOwnTargetDown(steps, environment, service);
    steps.begin('stop container', target.container);
    const stopped = await stopAct.stopBotContainer(service).catch((err: unknown) => failureText(err));
    if (typeof stopped === 'string' || stopped.running) {
      const why = typeof stopped === 'string' ? stopped : `container still ${stopped.state}`;
      steps.end('stop container', 'failed', why);
      const detail = `${service} NOT SAFE: ${unconfirmed}; stopping container ${target.container} failed: ${why}`;
      await notify('critical', `bot-halt ${service} (${environment}): bot could not be made safe`, detail).catch(
        () => undefined,
      );
      setOutcome('failed');
      steps.finish();
      throw ApplicationFailure.nonRetryable(detail, 'BotNotSafe');
    }
    const how = stopped.changed ? 'stopped' : stopped.exists ? `was already ${stopped.state}` : 'does not exist';
    steps.end('stop container', 'ok', `container ${target.container} ${how}`);
    result = {
      service,
      path: 'container-stopped',
      confirmed: false,
      detail: `${unconfirmed}; container ${target.container} ${how} (verified)`,
    };
  }
  await steps
    .step('notify', () =>
      notify('warning', `bot-halt ${service} (${environment}): ${result.path}`, `${result.detail}. Reason: ${reason}`),
    )
    .catch(() => undefined);
  setOutcome('succeeded');
  steps.finish();
  return result;
}

/** Keeps the deliberate stop from raising TargetDown (whose playbook would restart the bot); never blocks the stop. */
async function silenceOwnTargetDown(steps: StepLog, environment: string, service: string): Promise<void> {
  steps.begin('silence own TargetDown');
  const silence = await act
    .silenceBotTargetDown(environment, service, workflowInfo().workflowId)
    .catch((err: unknown) => failureText(err));
  if (typeof silence === 'string') steps.end('silence own TargetDown', 'failed', silence);
  else
    steps.end(
      'silence own TargetDown',
      'ok',
      `${silence.created ? 'created' : 'existing'} silence ${silence.id} (TargetDown{service=${service}})`,
    );
}

/** Requests the halt (unless already halted) and reads the state back; `unconfirmed` says why it is not confirmed. */
async function haltAndConfirm(
  steps: StepLog,
  service: string,
  reason: string,
  timeoutMs: number,
): Promise<{ result?: BotHaltResult; unconfirmed: string }> {
  steps.begin('request halt');
  const request = await act.requestBotHalt(service, reason).catch((err: unknown) => failureText(err));
  if (typeof request === 'string') {
    steps.end('request halt', 'failed', request);
    return { unconfirmed: `halt request failed: ${request}` };
  }
  if (!request.requested) {
    steps.end('request halt', 'skipped', 'newOrdersEnabled was already false');
    return {
      result: {
        service,
        path: 'already-halted',
        confirmed: true,
        detail: `${service} was already halted (newOrdersEnabled=false); no halt sent`,
      },
      unconfirmed: '',
    };
  }
  steps.end('request halt', 'ok', 'POST /control/halt accepted');
  steps.begin('confirm halted');
  const wait: BotWait | string = await confirmAct(timeoutMs)
    .awaitBotHalted(service, timeoutMs)
    .catch((err: unknown) => failureText(err));
  if (typeof wait !== 'string' && wait.confirmed) {
    steps.end('confirm halted', 'ok', `newOrdersEnabled=false after ${wait.waitedMs} ms`);
    return {
      result: {
        service,
        path: 'halted',
        confirmed: true,
        detail: `${service} halted; newOrdersEnabled=false confirmed after ${wait.waitedMs} ms`,
      },
      unconfirmed: '',
    };
  }
  const why =
    typeof wait === 'string'
      ? `confirmation failed (${wait})`
      : wait.error
        ? `bot unreachable (${wait.error})`
        : `bot still reports newOrdersEnabled=${wait.lastState?.newOrdersEnabled}`;
  steps.end('confirm halted', 'failed', why);
  return { unconfirmed: `halt not confirmed within ${timeoutMs} ms: ${why}` };
}

const confirmAct = (timeoutMs: number) => proxyActivities<BotActivities>(waiting(timeoutMs));
