/** Heartbeats and cancellable sleeps that also work when an activity function is called outside a worker (tests). */
import { Context } from '@temporalio/activity';

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function heartbeatIfActivity(details?: unknown): void {
  current()?.heartbeat(details);
}

/** Sleeps; inside an activity the sleep ends early (throws) when the activity is cancelled. */
export async function activitySleep(ms: number): Promise<void> {
  const ctx = current();
  if (ctx) await ctx.sleep(ms);
  else await new Promise((resolve) => setTimeout(resolve, ms));
}

/** When the first attempt of this activity was scheduled (retries keep it), so a deadline survives a worker kill. */
export function firstScheduledAtMs(): number {
  return current()?.info.scheduledTimestampMs ?? Date.now();
}
