/**
 * rig-smoke: proves every integration answers. Each round (read-only, in parallel): list containers, query
 * Prometheus, list Alertmanager alerts, SELECT from trading, read each bot's control state; then a durable
 * sleep before the next round. No compensations (nothing changes). Result ok only if every finding is ok:
 * an unreachable part is a failed finding, never a silent pass.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureText } from '../shared/failures';
import { quick } from '../shared/profiles';
import { setOutcome, StepLog, tagExecution, validateInput } from '../shared/steps';
import { rigSmokeInput, type RigSmokeInput, type RigSmokeResult, type SmokeFinding } from './contract';

const act = proxyActivities<Activities>(quick);

export async function rigSmoke(raw: RigSmokeInput): Promise<RigSmokeResult> {
  const input = validateInput(rigSmokeInput, raw);
  tagExecution('rig-smoke', input.environment);
  const steps = new StepLog('rig-smoke');
  const bots = await act.listBots(input.environment);
  const checks: [string, () => Promise<SmokeFinding>][] = [
    ['docker: list containers', () => act.smokeListContainers()],
    ['prometheus: query up', () => act.smokeQueryPrometheus()],
    ['alertmanager: list alerts', () => act.smokeListAlerts()],
    ['postgres: select from trading', () => act.smokeSelectTrading()],
    ...bots.map((b): [string, () => Promise<SmokeFinding>] => [
      `bot control: ${b} state`,
      () => act.smokeReadBotState(b),
    ]),
  ];
  const findings: RigSmokeResult['findings'] = [];
  for (let round = 1; round <= input.rounds; round++) {
    if (round > 1) await sleep(input.intervalSeconds * 1000);
    const prefix = input.rounds > 1 ? `round ${round}: ` : '';
    const results = await Promise.all(checks.map(([check, run]) => runCheck(steps, prefix + check, run)));
    findings.push(...results.map((r, i) => ({ ...r, check: checks[i]![0], round })));
  }
  const ok = findings.every((f) => f.ok);
  setOutcome(ok ? 'succeeded' : 'failed');
  steps.finish();
  return { ok, environment: input.environment, rounds: input.rounds, findings };
}

async function runCheck(steps: StepLog, name: string, run: () => Promise<SmokeFinding>): Promise<SmokeFinding> {
  steps.begin(name);
  try {
    const f = await run();
    steps.end(name, f.ok ? 'ok' : 'failed', f.detail);
    return f;
  } catch (err) {
    const detail = failureText(err);
    steps.end(name, 'failed', detail);
    return { ok: false, detail };
  }
}
