/**
 * bot-resume: let a halted bot place new orders again, only when it is safe (principle 1).
 * Steps: resolve the bot → preflight (feed OK/WARN now, no open critical alert, no running critical incident; a
 * failed rule is a 'refused' result) → in environments with requireApproval: approval by another approver
 * (reject or timeout → 'cancelled') and the preflight again → start the container if stopped, wait until ready,
 * expire bot-halt's TargetDown silence → resume and verify newOrdersEnabled=true → notify. Compensation: none; nothing changes before the gates pass.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { failureText } from '../shared/failures';
import { quick, waiting } from '../shared/profiles';
import { durationToMs } from '../shared/names';
import { botResumeInput, type BotResumeInput, type BotResumeResult } from './contract';
import { ApprovalGate, resumePreflight, type ResumeActivities } from './steps';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';

const READY_TIMEOUT_MS = 60_000;
const act = proxyActivities<ResumeActivities>(quick);
const slow = proxyActivities<ResumeActivities>(waiting(READY_TIMEOUT_MS));

export async function botResume(raw: BotResumeInput): Promise<BotResumeResult> {
  const input = validateInput(botResumeInput, raw);
  const { environment, service, requestedBy } = input;
  tagExecution('bot-resume', environment, service);
  const steps = new StepLog('bot-resume');
  const gate = new ApprovalGate(environment, requestedBy);
  const base = { service, environment, requestedBy, requestedAt: new Date().toISOString(), containerStarted: false };
  const finish = async (
    outcome: BotResumeResult['outcome'],
    detail: string,
    extra: Partial<BotResumeResult> = {},
  ): Promise<BotResumeResult> => {
    setOutcome(outcome);
    steps.finish();
    await condition(allHandlersFinished);
    return {
      ...base,
      approvedBy: gate.approval?.actor,
      approvedAt: gate.approval?.at,
      ...extra,
      outcome,
      detail,
      finishedAt: new Date().toISOString(),
    };
  };

  const target = await steps
    .step(
      'resolve bot',
      () => act.botTarget(environment, service),
      (t) => `container ${t.container}`,
    )
    .catch((err: unknown) => {
      throw ApplicationFailure.nonRetryable(`invalid input: ${failureText(err)}`, 'BadInput');
    });
  const overrideMs = input.approvalTimeout ? durationToMs(input.approvalTimeout) : undefined;
  if (overrideMs !== undefined && overrideMs > target.approvalTimeoutMs) {
    throw ApplicationFailure.nonRetryable(
      `invalid input: approvalTimeout ${input.approvalTimeout} exceeds the ${environment} maximum of ${target.approvalTimeoutMs} ms`,
      'BadInput',
    );
  }

  let refusal = await resumePreflight(steps, environment, service);
  if (refusal) return finish('refused', refusal.detail, { rule: refusal.rule });

  if (target.requireApproval) {
    const timeoutMs = overrideMs ?? target.approvalTimeoutMs;
    const others = target.approvers.filter((a) => a !== requestedBy);
    steps.begin('approval', `by one of ${others.join(', ')} within ${timeoutMs} ms`);
    steps.progress.waitingFor = `approval by one of: ${others.join(', ') || '(no approver other than the requester is configured)'} (not ${requestedBy}, who requested it)`;
    await gate.wait(target.approvers, timeoutMs);
    steps.progress.waitingFor = undefined;
    if (gate.rejection) {
      steps.end(
        'approval',
        'failed',
        `rejected by ${gate.rejection.actor}${gate.rejection.comment ? `: ${gate.rejection.comment}` : ''}`,
      );
      return finish(
        'cancelled',
        `rejected by ${gate.rejection.actor}${gate.rejection.comment ? `: ${gate.rejection.comment}` : ''}`,
        { cancelledBy: gate.rejection.actor },
      );
    }
    if (!gate.approval) {
      steps.end('approval', 'failed', `no approval within ${timeoutMs} ms`);
      return finish('cancelled', `approval timed out after ${timeoutMs} ms; nothing was changed`);
    }
    steps.end('approval', 'ok', `approved by ${gate.approval.actor}`);
    refusal = await resumePreflight(steps, environment, service, 'preflight after approval');
    if (refusal) return finish('refused', refusal.detail, { rule: refusal.rule });
  }

  const notify = (severity: 'info' | 'warning', text: string) =>
    act
      .notifyBotEvent({
        severity,
        title: `bot-resume ${service} (${environment})`,
        text,
        runbook: 'bot-resume',
        workflowId: workflowInfo().workflowId,
        environment,
      })
      .catch(() => undefined);
  let containerStarted = false;
  try {
    const container = await steps.step(
      'start container if stopped',
      () => slow.startBotContainer(service, READY_TIMEOUT_MS),
      (c) => (c.changed ? `started ${c.container}; healthy and answering` : `${c.container} already running`),
    );
    containerStarted = container.changed;
    await steps
      .step(
        'expire halt silence',
        () => act.expireBotTargetDownSilences(service),
        (ids) => (ids.length ? `expired ${ids.join(', ')}` : 'none'),
      )
      .catch(() => undefined);
    await steps.step(
      'request resume',
      () => act.requestBotResume(service),
      (r) => (r.requested ? 'POST /control/resume accepted' : 'newOrdersEnabled was already true'),
    );
    await steps.step(
      'confirm resumed',
      async () => {
        const w = await slow.awaitBotResumed(service, target.haltConfirmTimeoutMs);
        if (!w.confirmed)
          throw new Error(
            `newOrdersEnabled=true not confirmed within ${target.haltConfirmTimeoutMs} ms (${w.error ?? JSON.stringify(w.lastState)})`,
          );
        return w;
      },
      (w) => `newOrdersEnabled=true after ${w.waitedMs} ms`,
    );
  } catch (err) {
    const detail = `resume failed: ${failureText(err)}`;
    await notify('warning', detail);
    return finish('failed', detail, { containerStarted });
  }
  const resumedAt = new Date().toISOString();
  const detail = `${service} resumed (newOrdersEnabled=true confirmed)${containerStarted ? ' after starting its container' : ''}${gate.approval ? `; approved by ${gate.approval.actor}` : ''}`;
  await notify('info', `${detail}; requested by ${requestedBy}${input.reason ? `: ${input.reason}` : ''}`);
  return finish('succeeded', detail, { containerStarted, resumedAt });
}
