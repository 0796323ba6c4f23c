/** What the deploy steps share: activity proxies with timeouts that fit each kind of step, and the deploy context. */
import { proxyActivities } from '@temporalio/workflow';
import type { CheckSection, FeedCheckActivities } from '../daily-check/contract';
import { dockerChange, quick as quickOptions, waiting } from '../shared/profiles';
import type { StepLog } from '../shared/steps';
import type { DeployActivities } from './activities';
import type { DeploymentKey, DeployResult, DeployStep, Refusal } from './contract';

/** Reads and small writes. */
export const quick = proxyActivities<DeployActivities>(quickOptions);

/** Docker changes: a stop may take its grace period; retried longer (each step is idempotent). */
export function dockerActs(stopTimeoutSeconds: number) {
  return proxyActivities<DeployActivities>(dockerChange(stopTimeoutSeconds));
}

/** Waiters poll up to `timeoutMs` and heartbeat, so a killed worker's attempt is retried within seconds. */
export function waitActs(timeoutMs: number) {
  return proxyActivities<DeployActivities>(waiting(timeoutMs));
}

/** The daily check's feed section (OK/WARN = healthy): feed before bot. */
export const feedActs = proxyActivities<FeedCheckActivities>(quickOptions);

export function feedVerdict(section: CheckSection): { healthy: boolean; detail: string } {
  const healthy = section.status === 'OK' || section.status === 'WARN';
  const bad = section.items.filter((i) => i.status !== 'OK' && i.status !== 'WARN');
  const detail = bad.length
    ? bad.map((i) => `${i.name} ${i.status} (${i.value ?? 'no value'}; ${i.threshold})`).join('; ')
    : `feed ${section.status}`;
  return { healthy, detail: healthy ? `feed ${section.status}` : `feed ${section.status}: ${detail || 'no items'}` };
}

/** What the steps of a deploy share: the request, the step log, the result being built, the files' key, the pause hook. */

export interface DeployRequest {
  runbook: 'deploy' | 'rollback';
  environment: string;
  service: string;
  image: string;
  dryRun: boolean;
  reason?: string;
  requestedBy?: string;
  approvalTimeout?: string;
  pauseAfterStep?: DeployStep;
  refusals?: Refusal[]; // decided before (e.g. a rollback without a target)
}

export interface DeployContext {
  req: DeployRequest;
  steps: StepLog;
  result: DeployResult;
  key: DeploymentKey;
  pause(step: DeployStep): Promise<void>;
}
