/**
 * Benchmark (not a test): runs the daily check 20 times on the rig (paper, no faults) and prints the median wall
 * time of the whole workflow (server start → close), the median of the slowest single section (max durationMs per
 * run) and their ratio; the goal is a ratio under 1.5 (the five checks really run in parallel).
 * Usage: npm run build && ATC_HOME=... npm run bench:daily-check [-- <runs> <environment>]
 */
import { loadConfig } from '../config';
import { readRigState } from '../client/rig/state';
import { connectClient } from '../client/temporalClient';
import type { DailyCheckResult } from '../workflows/dailyCheckTypes';
import { environmentKey, runbookKey } from '../workflows/messages';
import { TypedSearchAttributes } from '@temporalio/common';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<number> {
  const runs = Number(process.argv[2] ?? 20);
  const environment = process.argv[3] ?? 'paper';
  const state = readRigState();
  if (!state) throw new Error('no rig: run `node bin/atc rig up` first (with the same ATC_HOME)');
  const config = loadConfig(state.configPath);
  const client = await connectClient(config);
  const whole: number[] = [];
  const observed: number[] = [];
  const slowest: number[] = [];
  const summed: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    const handle = await client.workflow.start('dailyCheck', {
      taskQueue: config.temporal.taskQueue,
      workflowId: `bench-daily-check-${environment}-${Date.now()}-${i}`,
      args: [{ environment, requestedBy: 'bench' }],
      typedSearchAttributes: new TypedSearchAttributes([{ key: runbookKey, value: 'daily-check' }, { key: environmentKey, value: environment }]),
    });
    const result = (await handle.result()) as DailyCheckResult;
    observed.push(performance.now() - t0);
    const d = await handle.describe();
    whole.push(d.closeTime!.getTime() - d.startTime.getTime());
    const max = Math.max(...result.sections.map((s) => s.durationMs));
    slowest.push(max);
    summed.push(result.sections.reduce((a, x) => a + x.durationMs, 0));
    const sections = result.sections.map((s) => `${s.section}=${s.durationMs}`).join(' ');
    process.stdout.write(`run ${String(i).padStart(2)}: ${result.overall.padEnd(7)} workflow ${whole.at(-1)} ms (client ${Math.round(observed.at(-1)!)} ms), sections ${sections}\n`);
  }
  await client.connection.close();
  const w = median(whole);
  const s = median(slowest);
  process.stdout.write(`\n${runs} runs of daily-check (${environment})\n`);
  process.stdout.write(`median wall time, whole workflow:     ${w} ms (client-observed ${Math.round(median(observed))} ms)\n`);
  process.stdout.write(`median of the slowest single section: ${s} ms\n`);
  process.stdout.write(`ratio: ${(w / s).toFixed(2)} (goal < 1.5)\n`);
  process.stdout.write(`for reference: median sum of the five sections ${median(summed)} ms (a sequential check takes at least this); `);
  process.stdout.write(`fixed cost outside the checks (start, plan, report, notify) ${Math.round(w - s)} ms\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
