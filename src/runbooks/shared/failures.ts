/**
 * Failures, both sides of the activity boundary. Activity side: the one boundary where integration errors become
 * Temporal failures (retryable or not). Workflow side: how a failure reads (failureText) and bad input (badInput).
 */
import { ActivityFailure, ApplicationFailure, CancelledFailure, ChildWorkflowFailure } from '@temporalio/common';
import { AtcError, errorMessage, isConnectionError } from '../../errors';

export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof AtcError) {
    const retryable = err.kind === 'transient' || err.kind === 'unreachable';
    return retryable
      ? ApplicationFailure.retryable(err.message, err.name)
      : ApplicationFailure.nonRetryable(err.message, err.name);
  }
  if (isConnectionError(err)) return ApplicationFailure.retryable(errorMessage(err), 'UnreachableError');
  return ApplicationFailure.retryable(errorMessage(err), 'Error');
}

/** Wraps every function of an activity object so that thrown errors pass through `toActivityFailure`. */
export function withFailureBoundary<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
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

/**
 * Workflow side: the message of the innermost cause of a failure (an activity's or child's own error, not
 * "Activity task failed"), the one way every runbook and the CLI read a failure.
 */
export function failureText(err: unknown): string {
  let e: unknown = err;
  while (
    e instanceof Error &&
    e.cause instanceof Error &&
    (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure || e.name === 'WorkflowFailedError')
  )
    e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Workflow side: an activity that refused its input (BadInputError) fails the workflow at once, non-retryably. */
export function badInput(err: unknown): never {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === 'BadInputError')
    throw ApplicationFailure.nonRetryable(`invalid input: ${failureText(err)}`, 'BadInput');
  throw err;
}
