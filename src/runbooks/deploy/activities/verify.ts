/**
 * Verification of a (new or restored) container: running, healthy where it has a healthcheck, and scraped by
 * Prometheus since it started; then the metric gates. Read-only; the waiter heartbeats so a worker kill is noticed
 * within the heartbeat timeout, and its deadline counts from the first attempt.
 */
import { errorMessage } from '../../../errors';
import { activitySleep, firstScheduledAtMs, heartbeatIfActivity } from '../../shared/activityContext';
import type { ActivityDeps } from '../../shared/deps';
import type { GateResult, GateSpec, ReadyResult } from '../contract';

const POLL_MS = 500;

export function compare(value: number, op: GateSpec['op'], threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (op) {
    case '<':
      return value < threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
  }
}

export function createDeployVerifyActivities(deps: ActivityDeps) {
  /** Undefined when ready; otherwise why not yet. `fatal` when waiting longer cannot help (the container exited). */
  async function notReady(req: {
    container: string;
    expectId?: string;
    job?: string;
  }): Promise<{ why: string; fatal?: boolean } | undefined> {
    const info = await deps.containers.inspect(req.container);
    if (!info) return { why: `${req.container} does not exist`, fatal: true };
    if (req.expectId && info.Id !== req.expectId)
      return { why: `${req.container} is ${info.Id.slice(0, 12)}, not ${req.expectId.slice(0, 12)}`, fatal: true };
    if (!info.State.Running)
      return { why: `${req.container} is ${info.State.Status} (exit code ${info.State.ExitCode})`, fatal: true };
    const health = info.State.Health?.Status;
    if (health && health !== 'healthy') return { why: `${req.container} is ${health}` };
    if (!req.job) return undefined;
    const started = Date.parse(info.State.StartedAt);
    const targets = await deps.metrics.targets(req.job);
    const scraped = targets.filter((t) => t.health === 'up' && Date.parse(t.lastScrape) > started);
    if (scraped.length === 0)
      return {
        why: `Prometheus has not scraped job ${req.job} successfully since ${info.State.StartedAt} (${targets.map((t) => `${t.health} ${t.lastError}`).join('; ') || 'no target'})`,
      };
    return undefined;
  }

  return {
    async deployWaitReady(req: {
      container: string;
      expectId?: string;
      job?: string;
      timeoutMs: number;
    }): Promise<ReadyResult> {
      const began = Date.now();
      const deadline = firstScheduledAtMs() + req.timeoutMs;
      for (;;) {
        const state = await notReady(req).catch((err: unknown) => ({
          why: `cannot tell: ${errorMessage(err)}`,
          fatal: false,
        }));
        const waitedMs = Date.now() - began;
        if (!state)
          return {
            ok: true,
            detail: `${req.container} running${req.job ? `, healthy and scraped by Prometheus (job ${req.job})` : ' and healthy'}`,
            waitedMs,
          };
        if (state.fatal || Date.now() + POLL_MS > deadline)
          return { ok: false, detail: `${state.why}${state.fatal ? '' : ` after ${req.timeoutMs} ms`}`, waitedMs };
        heartbeatIfActivity(state.why);
        await activitySleep(POLL_MS);
      }
    },

    /** One evaluation of every gate; a query without samples fails its gate (unknown is never a pass). */
    async deployEvaluateGates(gates: GateSpec[]): Promise<GateResult[]> {
      return Promise.all(
        gates.map(async (g): Promise<GateResult> => {
          try {
            const values = (await deps.metrics.query(g.query)).samples.map((s) => s.value);
            const pass = values.length > 0 && values.every((v) => compare(v, g.op, g.threshold));
            const shown = values.length ? values.map((v) => Number(v.toFixed(4))).join(', ') : 'no samples';
            return { ...g, values, pass, detail: `${g.name}: ${shown} (must be ${g.op} ${g.threshold})` };
          } catch (err) {
            return { ...g, values: [], pass: false, detail: `${g.name}: query failed: ${errorMessage(err)}` };
          }
        }),
      );
    },
  };
}
