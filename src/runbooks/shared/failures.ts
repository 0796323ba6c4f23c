/** The one boundary where integration errors become Temporal failures (retryable or not). */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { AtcError, errorMessage, isConnectionError } from '../../errors';

export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof AtcError) {
    const retryable = err.kind === 'transient' || err.kind === 'unreachable';
    return retryable ? ApplicationFailure.retryable(err.message, err.name) : ApplicationFailure.nonRetryable(err.message, err.name);
  }
  if (isConnectionError(err)) return ApplicationFailure.retryable(errorMessage(err), 'UnreachableError');
  return ApplicationFailure.retryable(errorMessage(err), 'Error');
}

/** Wraps every function of an activity object so that thrown errors pass through `toActivityFailure`. */
export function withFailureBoundary<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof CancelledFailure) throw err; // the SDK reports it as cancelled, not failed (and not retried)
        throw toActivityFailure(err);
      }
    };
  }
  return wrapped as T;
}
