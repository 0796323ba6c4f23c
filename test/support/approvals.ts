/** What the approval tests share: wait until a runbook waits for a person, and read why an update was refused. */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../../src/runbooks/shared/messages';

/** Polls the `progress` query until the runbook says what it waits for (an approval), and returns that text. */
export async function waitingFor(handle: WorkflowHandle): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const p = await handle.query(progressQuery).catch(() => undefined);
    if (p?.waitingFor) return p.waitingFor;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} never waited for a person`);
}

/** The update must be refused (by its validator or handler); returns the reason. */
export async function refusedUpdate(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}
