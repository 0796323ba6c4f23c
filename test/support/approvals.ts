/** What the approval tests share: wait until a runbook waits for a person, and read why an update was refused. */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../../src/runbooks/shared/messages';
import { waitFor } from './waitFor';

/** Polls the `progress` query until the runbook says what it waits for (an approval), and returns that text. */
export async function waitingFor(handle: WorkflowHandle): Promise<string> {
  return waitFor(
    `${handle.workflowId} to wait for a person`,
    async () => (await handle.query(progressQuery)).waitingFor,
    { timeoutMs: 15_000 },
  );
}

/** The update must be refused (by its validator or handler); returns the reason. */
export async function refusedUpdate(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}
