/**
 * Four-eyes gate of a restore over a protected target: two distinct approvers, neither of them the requester,
 * each in the environment's approvers list when it has one. Validators reject a bad approval before anything is
 * recorded; one rejection (by an approver or the requester) or the timeout refuses the restore.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { StepLog } from '../shared/steps';
import { approveUpdate, rejectUpdate, type ApprovalInput } from '../shared/messages';

export const REQUIRED_APPROVALS = 2;

export interface ApprovalOutcome {
  approved: boolean;
  approvedBy: string[];
  reason?: string;
}

const same = (a: string, b?: string) => Boolean(b) && a.trim().toLowerCase() === b!.trim().toLowerCase();

export class ApprovalGate {
  private waiting = false;
  private readonly approvedBy: string[] = [];
  private rejectedBy?: string;
  private rejectComment?: string;

  private approvers: string[] = [];

  /** Registers the update handlers at once (an early approval is rejected by the validator, not lost). */
  constructor(private readonly requester: string | undefined) {
    const actorOf = (a: ApprovalInput | undefined) => {
      const who = typeof a?.actor === 'string' ? a.actor.trim() : '';
      if (!this.waiting) throw new Error('this restore is not waiting for an approval');
      if (!who) throw new Error('an actor name is required');
      return who;
    };
    setHandler(
      approveUpdate,
      (a) => {
        this.approvedBy.push(a.actor.trim());
        return { accepted: true, actor: a.actor.trim() };
      },
      {
        validator: (a) => {
          const who = actorOf(a);
          if (same(who, this.requester)) throw new Error(`${who} requested this restore and cannot approve it`);
          if (this.approvedBy.some((x) => same(x, who)))
            throw new Error(`${who} has already approved; a second, different approver is needed`);
          if (this.approvers.length && !this.approvers.some((x) => same(x, who)))
            throw new Error(`${who} is not an approver (approvers: ${this.approvers.join(', ')})`);
        },
      },
    );
    setHandler(
      rejectUpdate,
      (a) => {
        this.rejectedBy = a.actor.trim();
        this.rejectComment = a.comment;
        return { accepted: true, actor: a.actor.trim() };
      },
      {
        validator: (a) => {
          const who = actorOf(a);
          if (this.approvers.length && !this.approvers.some((x) => same(x, who)) && !same(who, this.requester))
            throw new Error(`${who} is not an approver (approvers: ${this.approvers.join(', ')})`);
        },
      },
    );
  }

  setApprovers(approvers: string[]): void {
    this.approvers = [...approvers];
  }

  async wait(steps: StepLog, why: string, timeoutMs: number): Promise<ApprovalOutcome> {
    const who = this.approvers.length ? this.approvers.join(', ') : 'anyone';
    steps.begin('approval', why);
    this.waiting = true;
    steps.progress.waitingFor = `${REQUIRED_APPROVALS} approvals by: ${who}${this.requester ? ` (not ${this.requester})` : ''}`;
    const decided = await condition(
      () => this.approvedBy.length >= REQUIRED_APPROVALS || this.rejectedBy !== undefined,
      timeoutMs,
    );
    this.waiting = false;
    steps.progress.waitingFor = undefined;
    let reason: string | undefined;
    if (this.rejectedBy)
      reason = `rejected by ${this.rejectedBy}${this.rejectComment ? `: ${this.rejectComment}` : ''}`;
    else if (!decided)
      reason = `approval timed out after ${Math.round(timeoutMs / 1000)} s with ${this.approvedBy.length} of ${REQUIRED_APPROVALS} approvals${this.approvedBy.length ? ` (${this.approvedBy.join(', ')})` : ''}`;
    steps.end('approval', reason ? 'failed' : 'ok', reason ?? `approved by ${this.approvedBy.join(' and ')}`);
    return { approved: !reason, approvedBy: [...this.approvedBy], reason };
  }
}
