/**
 * Named activity options: each runbook step picks the profile that fits its kind of work instead of writing its own
 * timeouts and retry policy. Every activity is idempotent, so a retry never repeats a side effect.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';

const backoff: RetryPolicy = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s' };

/** Reads and small writes against one integration (each bounded by the integration's own timeouts). */
export const quick: ActivityOptions = { startToCloseTimeout: '30s', retry: { ...backoff, maximumAttempts: 5 } };

/**
 * A read run in the worker's process (no round trip through the server; still recorded in the history), retried
 * briefly: a check reports UNKNOWN soon rather than waiting long for a part that is down.
 */
export const quickLocal: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { ...backoff, maximumAttempts: 3 },
};

/** Work that must get through (notifications, timeline writes, clean-up): retried for minutes. */
export const persistent: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
};

/** The same, in the worker's process (reports, notifications of a runbook made of local activities). */
export const persistentLocal: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 },
};

/** A bot's control API: fast calls, fast retries, so a halt reaches its fallback (stopping the container) in seconds. */
export const botControl: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2s', maximumAttempts: 3 },
};

/** Stopping a bot's container when its halt is not confirmed: a docker stop with fast retries, then notify. */
export const botContainer: ActivityOptions = { ...botControl, startToCloseTimeout: '30s' };

/** A Docker change (stop, start, rename): the stop may take its grace period; retried longer. */
export function dockerChange(graceSeconds: number): ActivityOptions {
  return { startToCloseTimeout: `${graceSeconds + 60}s`, retry: { ...backoff, maximumAttempts: 10 } };
}

/** A waiter that polls up to `timeoutMs` and heartbeats, so a killed worker's attempt is retried within seconds. */
export function waiting(timeoutMs: number): ActivityOptions {
  return { startToCloseTimeout: timeoutMs + 30_000, heartbeatTimeout: '5s', retry: { ...backoff, maximumAttempts: 3 } };
}

/** Long work that streams (pg_dump, pg_restore, checksums): hours at most, heartbeating while it runs. */
export const longRunning: ActivityOptions = {
  startToCloseTimeout: '12h',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 3 },
};
