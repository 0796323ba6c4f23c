/** Workflows bundled by test/unit/backup.test.ts: the real backup, restore and restore-test, and a stub incident that reports its input. */
import { proxyActivities } from '@temporalio/workflow';

export { backup } from '../../../src/runbooks/backup/workflow';
export { restore } from '../../../src/runbooks/backup/restoreWorkflow';
export { restoreTest } from '../../../src/runbooks/backup/restoreTestWorkflow';

const act = proxyActivities<{ stubIncidentOpened(input: unknown): Promise<void> }>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

export async function incident(input: unknown): Promise<string> {
  await act.stubIncidentOpened(input);
  return 'stub incident';
}
