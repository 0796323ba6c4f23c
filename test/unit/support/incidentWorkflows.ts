/** Workflows bundled by test/unit/incident.test.ts: the real incident runbook and a stub botHalt whose result the test decides. */
import { proxyActivities } from '@temporalio/workflow';

export { incident } from '../../../src/runbooks/incident/workflow';

export interface StubHaltResult {
  service: string;
  path: 'halted' | 'already-halted' | 'container-stopped';
  confirmed: boolean;
  detail: string;
}
const act = proxyActivities<{ stubBotHalt(input: unknown): Promise<StubHaltResult> }>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 1 },
});

export async function botHalt(input: unknown): Promise<StubHaltResult> {
  return act.stubBotHalt(input);
}
