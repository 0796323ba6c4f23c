/** Helpers every runbook uses: input validation, the step log behind the `progress` query, the outcome attribute. */
import { ApplicationFailure, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { describeIssues } from './names';
import {
  outcomeKey,
  progressQuery,
  runbookKey,
  environmentKey,
  serviceKey,
  type Outcome,
  type Progress,
  type StepStatus,
} from './messages';

/** Validates a workflow input; a bad input fails the workflow at once, non-retryably, with the reasons. */
export function validateInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (!result.success)
    throw ApplicationFailure.nonRetryable(`invalid input: ${describeIssues(result.error)}`, 'BadInput');
  return result.data;
}

export class StepLog {
  readonly progress: Progress;
  constructor(runbook: string) {
    this.progress = { runbook, steps: [], done: false };
    setHandler(progressQuery, () => this.progress);
  }
  begin(name: string, detail?: string): void {
    this.progress.steps.push({ name, status: 'running', at: new Date().toISOString(), detail });
    log.info(`step ${name} started`, { step: name });
  }
  end(name: string, status: StepStatus, detail?: string): void {
    const step = [...this.progress.steps].reverse().find((s) => s.name === name);
    if (step) Object.assign(step, { status, detail: detail ?? step.detail, at: new Date().toISOString() });
    else this.progress.steps.push({ name, status, at: new Date().toISOString(), detail });
    log.info(`step ${name} ${status}`, { step: name, status, detail });
  }
  /** Runs one step; a thrown error marks it failed and propagates. */
  async step<T>(name: string, fn: () => Promise<T>, describe?: (t: T) => string): Promise<T> {
    this.begin(name);
    try {
      const value = await fn();
      this.end(name, 'ok', describe?.(value));
      return value;
    } catch (err) {
      this.end(name, 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
  finish(): void {
    this.progress.done = true;
    this.progress.waitingFor = undefined;
  }
}

/** Sets the search attributes that make executions findable; runbook/environment/service are set at start too. */
export function tagExecution(runbook: string, environment?: string, service?: string): void {
  const pairs: { key: typeof runbookKey; value: string }[] = [{ key: runbookKey, value: runbook }];
  if (environment) pairs.push({ key: environmentKey, value: environment });
  if (service) pairs.push({ key: serviceKey, value: service });
  upsertSearchAttributes(pairs);
}

export function setOutcome(outcome: Outcome): void {
  upsertSearchAttributes([{ key: outcomeKey, value: outcome }]);
}

/** Milliseconds of workflow time: the SDK makes `Date` deterministic inside workflows (replay gives the same value). */
export function workflowTimeMs(): number {
  return new Date().valueOf();
}

export function executionId(): string {
  return workflowInfo().workflowId;
}
