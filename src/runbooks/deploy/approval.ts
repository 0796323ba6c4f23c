/**
 * Human steps of a deploy: the approval (four eyes: an allowed approver other than the requester, through the
 * `approve` update; `reject` by an approver or the requester; a timeout cancels) and the test-only pause points.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { DeployPlan } from './contract';
import type { StepLog } from '../shared/steps';
import { fmtMs } from './contract';
import { continueSignal, type DeployStep } from './contract';
import { approveUpdate, rejectUpdate, type ApprovalInput } from '../shared/messages';

export interface Decision {
  approved: boolean;
  actor: string;
  comment?: string;
}

export function installApproval() {
  let waiting: { approvers: string[]; requestedBy: string } | undefined;
  let decision: Decision | undefined;

  const validate = (input: ApprovalInput, approving: boolean): void => {
    if (!waiting) throw new Error('this execution is not waiting for an approval');
    if (decision) throw new Error(`already ${decision.approved ? 'approved' : 'rejected'} by ${decision.actor}`);
    const actor = typeof input?.actor === 'string' ? input.actor.trim() : '';
    if (!actor) throw new Error('an actor is required');
    if (approving && actor === waiting.requestedBy)
      throw new Error(`${actor} requested this deploy and cannot approve it (four eyes)`);
    const allowed = waiting.approvers.includes(actor) || (!approving && actor === waiting.requestedBy);
    if (!allowed) throw new Error(`${actor} is not an allowed approver (allowed: ${waiting.approvers.join(', ')})`);
  };
  const decide = (approved: boolean) => (input: ApprovalInput) => {
    const actor = input.actor.trim();
    decision = { approved, actor, comment: input.comment };
    return { accepted: true as const, actor };
  };
  setHandler(approveUpdate, decide(true), { validator: (input) => validate(input, true) });
  setHandler(rejectUpdate, decide(false), { validator: (input) => validate(input, false) });

  return {
    /** Waits for a decision; undefined when the timeout passed first. */
    async wait(
      policy: DeployPlan['approval'],
      requestedBy: string,
      summary: string,
      steps: StepLog,
    ): Promise<Decision | undefined> {
      waiting = { approvers: policy.approvers, requestedBy };
      const eligible = policy.approvers.filter((a) => a !== requestedBy);
      steps.progress.waitingFor = `approval by one of: ${eligible.join(', ')} (within ${fmtMs(policy.timeoutMs)}) — plan: ${summary}`;
      try {
        return (await condition(() => decision !== undefined, policy.timeoutMs)) ? decision : undefined;
      } finally {
        waiting = undefined;
        steps.progress.waitingFor = undefined;
      }
    },
  };
}

/** Test hook: after the step named by `pauseAfterStep`, wait for the `continue` signal. Without it, nothing happens. */
export function installPausePoints(
  pauseAfterStep: DeployStep | undefined,
  steps: StepLog,
): (step: DeployStep) => Promise<void> {
  let continued = false;
  setHandler(continueSignal, () => void (continued = true));
  return async (step) => {
    if (pauseAfterStep !== step) return;
    steps.progress.waitingFor = `signal "continue" (paused after step ${step})`;
    await condition(() => continued);
    steps.progress.waitingFor = undefined;
  };
}
