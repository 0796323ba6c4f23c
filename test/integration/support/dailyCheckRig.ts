/**
 * Helpers of the daily-check integration tests: faults on the rig's simulators, the check sections run in-process
 * against the rig (to wait for a condition without starting workflows), `atc run daily-check`, and putting the
 * rig back as it was (faults cleared, containers running, bots resumed, every section healthy again).
 */
import Docker from 'dockerode';
import { checkAlertsSection } from '../../../src/runbooks/daily-check/activities/alerts';
import { checkBotsSection } from '../../../src/runbooks/daily-check/activities/bots';
import { checkFeedSection } from '../../../src/runbooks/daily-check/activities/feed';
import { checkSystemSection } from '../../../src/runbooks/daily-check/activities/system';
import type { CheckItem, CheckSection, SectionName } from '../../../src/runbooks/daily-check/contract';
import type { ActivityDeps } from '../../../src/runbooks/shared/deps';
import { injectFault, simState } from '../../../src/client/rig/sims';
import type { SimTarget } from '../../../src/client/rig/state';
import { createDeps } from '../../../src/worker';
import type { DailyCheckResult } from '../../../src/runbooks/daily-check/contract';
import { atc } from '../../support/cli';
import { resetRig } from '../../support/resetRig';
import { rigConfig, rigState } from '../../support/rig';
import { waitFor } from '../../support/waitFor';

export const sim = (name: string): SimTarget => rigState().sims.find((s) => s.service === name)!;
export const docker = () => new Docker({ socketPath: rigState().dockerSocket });

let deps: ActivityDeps | undefined;
export function rigDeps(): ActivityDeps {
  return (deps ??= createDeps(rigConfig()));
}
export async function closeRigDeps(): Promise<void> {
  await deps?.sql.close();
  await deps?.running.close();
  deps = undefined;
}

export async function fault(service: string, kind: string): Promise<void> {
  await injectFault(sim(service), kind).catch((err: unknown) => {
    if (kind !== 'crash') throw err; // a crash may end the process before it answers
  });
}

export async function botSimState(service: string): Promise<{ haltCalls: number; newOrdersEnabled: boolean }> {
  return (await simState(sim(service))) as unknown as { haltCalls: number; newOrdersEnabled: boolean };
}

type SectionRunner = (d: ActivityDeps, env: string) => Promise<CheckSection>;
const runners: Partial<Record<SectionName, SectionRunner>> = {
  system: (d, env) => checkSystemSection(d, env, 'integration-test-wait'),
  feed: checkFeedSection,
  bots: checkBotsSection,
  alerts: checkAlertsSection,
};

/** Polls one section in-process until `ok(section)`; the last section is returned either way. */
export async function waitSection(
  name: SectionName,
  env: string,
  ok: (s: CheckSection) => boolean,
  timeoutMs = 60_000,
): Promise<CheckSection> {
  let last = await runners[name]!(rigDeps(), env);
  if (ok(last)) return last;
  const found = await waitFor(
    `${env} ${name} section`,
    async () => {
      last = await runners[name]!(rigDeps(), env);
      return ok(last) && last;
    },
    { timeoutMs, everyMs: 250 },
  ).catch(() => undefined);
  return found ?? last; // the caller asserts on the last section seen
}

export const itemOf = (s: CheckSection | undefined, name: string): CheckItem | undefined =>
  s?.items.find((i) => i.name === name);
export const itemStatus = (name: string, status: string) => (s: CheckSection) => itemOf(s, name)?.status === status;

export async function runDailyCheck(env: string): Promise<{ code: number; result: DailyCheckResult; stderr: string }> {
  const r = await atc(['run', 'daily-check', '--env', env, '--json'], { timeoutMs: 120_000 });
  let result: DailyCheckResult;
  try {
    result = JSON.parse(r.stdout) as DailyCheckResult;
  } catch {
    throw new Error(`atc run daily-check --env ${env} gave no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, result, stderr: r.stderr };
}

export const sectionOf = (r: DailyCheckResult, name: SectionName): CheckSection =>
  r.sections.find((s) => s.section === name)!;

/**
 * The shared reset (resetRig: simulators running without faults, incidents closed, bots resumed), then waits until
 * system, feed and alerts are OK, resets once more (an incident opened by a fault meanwhile would halt a bot again)
 * and waits until the bots are OK too.
 */
export async function restoreRig(): Promise<void> {
  await resetRig();
  const waitOk = async (name: SectionName, env: string) => {
    const s = await waitSection(name, env, (x) => x.status === 'OK', 90_000);
    if (s.status !== 'OK')
      throw new Error(
        `the rig did not recover: ${env} ${name} is ${s.status}: ${JSON.stringify(s.items.filter((i) => i.status !== 'OK'))}`,
      );
  };
  for (const env of ['dev', 'paper']) for (const name of ['system', 'feed', 'alerts'] as const) await waitOk(name, env);
  await resetRig();
  await waitOk('bots', 'paper');
}
