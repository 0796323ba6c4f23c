/**
 * Benchmark (not a test): do the five checks of daily-check really run in parallel? On an up rig (same ATC_HOME),
 * each round runs the whole check (all five sections), then each section alone (`--only <section>`), on a worker
 * of the benchmark's own, and times every run on the server (start → close). Prints the median wall time of the
 * whole check, of each single check and of the slowest one, and the ratio whole / slowest single (goal < 1.5; in
 * sequence the whole check would take about the sum of the sections). Twice: with the rig's integrations as they
 * are, and with each call answering a set latency later, as remote ones would. The sections called directly in
 * this process (no Temporal, no added latency) give the baseline: what the checks themselves cost.
 * Usage: npm run build && ATC_HOME=... npm run bench:daily-check [-- <runs> <environment> <latency ms>]
 */
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { createCheckActivities } from '../runbooks/daily-check/activities';
import { SECTION_NAMES, type CheckSection, type SectionName } from '../runbooks/daily-check/contract';
import { readRigState } from '../client/rig/state';
import { connectClient } from '../client/temporalClient';
import { loadConfig } from '../config';
import { createDeps } from '../worker';
import { measureRounds, median, type Rounds } from './dailyCheckRounds';

const ms = (x: number) => `${x.toFixed(1).padStart(6)} ms`;
const out = (line = '') => process.stdout.write(`${line}\n`);

function summarize(r: Rounds, directSingle: Record<SectionName, number>): void {
  const w = median(r.whole);
  const singles = SECTION_NAMES.map((name) => ({
    name,
    wall: median(r.single[name]),
    inside: median(r.sections[name]),
    alone: median(r.alone[name]),
  }));
  const slowest = singles.reduce((a, b) => (b.wall > a.wall ? b : a));
  // In sequence: the slowest single run with the other sections' own (alone) durations added one after another.
  const sequential = slowest.wall - slowest.alone + singles.reduce((a, s) => a + s.alone, 0);
  out(
    `\nintegrations answering ${r.latencyMs} ms later (${r.whole.length} rounds; medians; wall = server start → close)`,
  );
  for (const s of singles) {
    out(
      `  ${s.name.padEnd(7)} run alone ${ms(s.wall)}; the section itself took ${ms(s.alone)} alone, ${ms(s.inside)} inside the whole check (called directly, no latency: ${ms(directSingle[s.name])})`,
    );
  }
  out(`  median wall time of the whole check:          ${ms(w)}`);
  out(`  median wall time of the slowest single check: ${ms(slowest.wall)} (${slowest.name})`);
  out(
    `  ratio whole / slowest single: ${(w / slowest.wall).toFixed(2)} (goal < 1.5); the sections in sequence would take about ${ms(sequential)} (ratio ${(sequential / slowest.wall).toFixed(2)})`,
  );
}

async function main(): Promise<number> {
  const runs = Number(process.argv[2] ?? 20);
  const environment = process.argv[3] ?? 'paper';
  const latency = Number(process.argv[4] ?? 50);
  const state = readRigState();
  if (!state) throw new Error('no rig: run `node bin/atc rig up` first (with the same ATC_HOME)');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig(state.configPath);
  const deps = createDeps(config);
  const checks = createCheckActivities(deps);
  const direct: Record<SectionName, () => Promise<CheckSection>> = {
    system: () => checks.checkSystem(environment, 'bench-daily-check'),
    feed: () => checks.checkFeed(environment),
    bots: () => checks.checkBots(environment),
    drift: () => checks.checkDrift(environment),
    alerts: () => checks.checkAlerts(environment),
  };
  // Preflight in this process, without side effects: a measured check must not start fail-safe halts.
  let notOk = ['not run yet'];
  for (let i = 0; i < 60 && notOk.length; i++) {
    if (i) await new Promise((r) => setTimeout(r, 2000));
    const sections = await Promise.all(SECTION_NAMES.map((name) => direct[name]()));
    notOk = sections.flatMap((s) =>
      s.items.filter((x) => x.status !== 'OK').map((x) => `${s.section}: ${x.name} ${x.status} (${x.value})`),
    );
  }
  if (notOk.length)
    throw new Error(
      `${environment} is not healthy after 2 minutes (a halted bot needs a resume):\n  ${notOk.join('\n  ')}`,
    );
  const directSingle = {} as Record<SectionName, number>;
  for (const name of SECTION_NAMES) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await direct[name]();
      times.push(performance.now() - t0);
    }
    directSingle[name] = median(times);
  }
  await deps.sql.close();
  await deps.running.close();

  const client = await connectClient(config);
  const results: Rounds[] = [];
  for (const latencyMs of [0, latency])
    results.push(await measureRounds(client, config, environment, runs, latencyMs, out));
  await client.connection.close();
  out(`\n${runs} rounds of daily-check in ${environment}: the whole check, then each section alone`);
  for (const r of results) summarize(r, directSingle);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
