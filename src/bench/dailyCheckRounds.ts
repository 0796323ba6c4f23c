/**
 * The measuring part of bench:daily-check: the integrations with an added per-call latency (a remote Prometheus,
 * Docker API, Alertmanager or database answers in tens of milliseconds, the rig's local ones in about one), a worker
 * of the benchmark's own over them, and the rounds (the whole check, then each section alone) timed on the server.
 */
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../runbooks/shared/deps';
import { SECTION_NAMES, type SectionName } from '../runbooks/daily-check/contract';
import type { AtcConfig } from '../config';
import { createDeps, startWorker } from '../worker';
import type { DailyCheckResult } from '../runbooks/daily-check/contract';
import { environmentKey, runbookKey } from '../runbooks/shared/messages';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Every method of `impl` waits `ms` before it calls through (close() excepted), as a slower network would. */
function withLatency<T extends object>(impl: T, ms: number): T {
  return new Proxy(impl, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || key === 'close' || ms === 0) return value;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, ms));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function slowerDeps(deps: ActivityDeps, ms: number): ActivityDeps {
  const { containers, metrics, alerts, sql, bots } = deps;
  return {
    ...deps,
    containers: withLatency(containers, ms),
    metrics: withLatency(metrics, ms),
    alerts: withLatency(alerts, ms),
    sql: withLatency(sql, ms),
    bots: withLatency(bots, ms),
  };
}

export interface Rounds {
  latencyMs: number;
  whole: number[]; // wall time of the whole check per round
  single: Record<SectionName, number[]>; // wall time of each section run alone per round
  sections: Record<SectionName, number[]>; // each section's own duration inside the whole check
  alone: Record<SectionName, number[]>; // each section's own duration when it runs alone
}

/** `runs` rounds on a worker of its own whose integrations answer `latencyMs` later; every run must be OK. */
export async function measureRounds(
  client: Client,
  config: AtcConfig,
  environment: string,
  runs: number,
  latencyMs: number,
  progress: (line: string) => void,
): Promise<Rounds> {
  const taskQueue = `bench-daily-check-${randomUUID()}`;
  const worker = await startWorker(config, { deps: slowerDeps(createDeps(config), latencyMs), taskQueue }); // it closes them
  const lists = () =>
    Object.fromEntries(SECTION_NAMES.map((n) => [n, [] as number[]])) as Record<SectionName, number[]>;
  const rounds: Rounds = { latencyMs, whole: [], single: lists(), sections: lists(), alone: lists() };
  const runCheck = async (tag: string, sections?: SectionName[]) => {
    const handle = await client.workflow.start('dailyCheck', {
      taskQueue,
      workflowId: `bench-daily-check-${environment}-${latencyMs}ms-${tag}-${Date.now()}`,
      args: [{ environment, requestedBy: 'bench', ...(sections ? { sections } : {}) }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: runbookKey, value: 'daily-check' },
        { key: environmentKey, value: environment },
      ]),
    });
    const result = (await handle.result()) as DailyCheckResult;
    if (result.overall !== 'OK')
      throw new Error(`${handle.workflowId} is ${result.overall}, not OK: the rig changed under the benchmark`);
    const d = await handle.describe();
    return { wallMs: d.closeTime!.getTime() - d.startTime.getTime(), result };
  };
  try {
    for (let i = 1; i <= runs; i++) {
      const all = await runCheck(`all-${i}`);
      rounds.whole.push(all.wallMs);
      for (const s of all.result.sections) rounds.sections[s.section].push(s.durationMs);
      const line = [`latency ${latencyMs} ms, round ${String(i).padStart(2)}: whole ${all.wallMs} ms; alone:`];
      for (const name of SECTION_NAMES) {
        const one = await runCheck(`${name}-${i}`, [name]);
        rounds.single[name].push(one.wallMs);
        rounds.alone[name].push(one.result.sections[0]!.durationMs);
        line.push(`${name} ${one.wallMs}`);
      }
      progress(`${line.join(' ')} ms`);
    }
  } finally {
    await worker.shutdown();
  }
  return rounds;
}
