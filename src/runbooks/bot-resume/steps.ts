/** The preflight of bot-resume (feed healthy now, no open critical alert, no running critical incident) and its approval gate. */
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BotControlActivities } from '../bot-halt/contract';
import type { CheckSection, FeedCheckActivities } from '../daily-check/contract';
import { failureText } from '../shared/failures';
import { quick } from '../shared/profiles';
import type { ResumeRule } from './contract';
import type { StepLog } from '../shared/steps';
import { approveUpdate, rejectUpdate, type ApprovalInput } from '../shared/messages';

export type ResumeActivities = BotControlActivities & FeedCheckActivities;
const act = proxyActivities<ResumeActivities>(quick);

export interface Refusal {
  rule: ResumeRule;
  detail: string;
}

/** Feed healthy = the feed section is OK or WARN; FAIL, UNKNOWN or a failed check is not healthy. */
export async function feedRefusal(environment: string): Promise<Refusal | undefined> {
  let section: CheckSection;
  try {
    section = await act.checkFeed(environment);
  } catch (err) {
    return { rule: 'feed-healthy', detail: `feed check failed, the feed is UNKNOWN: ${failureText(err)}` };
  }
  if (section.status === 'OK' || section.status === 'WARN') return undefined;
  const bad = section.items
    .filter((i) => i.status !== 'OK' && i.status !== 'WARN')
    .map((i) => `${i.name}: ${i.status} (${i.value ?? 'no value'}; ${i.threshold})`);
  return {
    rule: 'feed-healthy',
    detail: `feed is ${section.status} in ${environment}${bad.length ? `: ${bad.join('; ')}` : ''}`,
  };
}

async function alertRefusal(environment: string, service: string): Promise<Refusal | undefined> {
  try {
    const { open } = await act.botCriticalAlerts(environment, service);
    if (open.length === 0) return undefined;
    return {
      rule: 'no-critical-alert',
      detail: `${open.length} critical alert(s) open in ${environment}: ${open.map((a) => `${a.alertname}${a.service ? `{service=${a.service}}` : ''}`).join(', ')}`,
    };
  } catch (err) {
    return {
      rule: 'no-critical-alert',
      detail: `cannot read Alertmanager, open alerts are UNKNOWN: ${failureText(err)}`,
    };
  }
}

async function incidentRefusal(environment: string): Promise<Refusal | undefined> {
  try {
    const open = await act.botCriticalIncidents(environment);
    if (open.length === 0) return undefined;
    return {
      rule: 'no-critical-incident',
      detail: `critical incident(s) running in ${environment}: ${open.map((i) => i.workflowId).join(', ')}`,
    };
  } catch (err) {
    return {
      rule: 'no-critical-incident',
      detail: `cannot read running incidents, they are UNKNOWN: ${failureText(err)}`,
    };
  }
}

/** Runs the three rules in parallel, one step each; returns the first refusal (feed, then alerts, then incidents). */
export async function resumePreflight(
  steps: StepLog,
  environment: string,
  service: string,
  label = 'preflight',
): Promise<Refusal | undefined> {
  const rules: [string, () => Promise<Refusal | undefined>][] = [
    [`${label}: feed healthy`, () => feedRefusal(environment)],
    [`${label}: no critical alert`, () => alertRefusal(environment, service)],
    [`${label}: no critical incident`, () => incidentRefusal(environment)],
  ];
  const results = await Promise.all(
    rules.map(async ([name, run]) => {
      steps.begin(name);
      const refusal = await run();
      steps.end(name, refusal ? 'failed' : 'ok', refusal?.detail);
      return refusal;
    }),
  );
  return results.find((r) => r !== undefined);
}

export interface Decision {
  actor: string;
  comment?: string;
  at: string;
}
/**
 * The approval step: approveUpdate from an approver other than the requester, or rejectUpdate (an approver or the
 * requester). Handlers are set when the workflow starts; validators refuse bad actors, and any decision while the gate
 * is not open, before anything is recorded. The approve handler re-checks the feed and refuses an approval while the
 * feed is faulty (the gate stays open).
 */
export class ApprovalGate {
  approval?: Decision;
  rejection?: Decision;
  private isOpen = false;
  private approvers: string[] = [];

  constructor(
    private readonly environment: string,
    private readonly requestedBy: string,
  ) {
    setHandler(
      approveUpdate,
      async (input) => {
        const refusal = await feedRefusal(this.environment);
        if (refusal)
          throw ApplicationFailure.nonRetryable(
            `approval while the feed is faulty rejected: ${refusal.detail}`,
            'FeedNotHealthy',
          );
        if (!this.isOpen)
          throw ApplicationFailure.nonRetryable(
            'approval came too late: the resume is no longer waiting',
            'NotWaiting',
          );
        this.approval = this.decide(input);
        return { accepted: true as const, actor: this.approval.actor };
      },
      { validator: (input) => this.validate(input, false) },
    );
    setHandler(
      rejectUpdate,
      (input) => {
        this.rejection = this.decide(input);
        return Promise.resolve({ accepted: true as const, actor: this.rejection.actor });
      },
      { validator: (input) => this.validate(input, true) },
    );
  }

  /** Opens the gate and waits until decided or timeoutMs passes (then nothing is decided). */
  async wait(approvers: string[], timeoutMs: number): Promise<void> {
    this.approvers = approvers;
    this.isOpen = true;
    await condition(() => !this.isOpen, timeoutMs);
    this.isOpen = false;
  }

  private decide(input: ApprovalInput): Decision {
    this.isOpen = false;
    return { actor: input.actor.trim(), comment: input.comment, at: new Date().toISOString() };
  }

  private validate(input: ApprovalInput | undefined, allowRequester: boolean): void {
    const actor = typeof input?.actor === 'string' ? input.actor.trim() : '';
    if (!this.isOpen)
      throw new Error('this resume is not waiting for a decision (not yet, already decided, or timed out)');
    if (!actor) throw new Error('an actor is required');
    if (actor === this.requestedBy && !allowRequester)
      throw new Error(`${actor} requested this resume and cannot approve it: another approver must (four eyes)`);
    if (!this.approvers.includes(actor) && !(allowRequester && actor === this.requestedBy)) {
      throw new Error(
        `${actor} is not an approver for ${this.environment} (approvers: ${this.approvers.join(', ') || 'none configured'})`,
      );
    }
  }
}
