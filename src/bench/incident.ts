/**
 * Benchmark (not a test) of the incident runbook on the rig (loopback only).
 * (a) webhook accepted → every bot the feed serves (paper and live) halted and verified (recorded as a verified action in the incident), p50/p99
 *     over N incidents with distinct group keys, beside a direct HTTP halt + read-back of the same bots in the same run;
 *     the bots are resumed between runs and every incident is closed by a resolved notification.
 * (b) an alert storm: A alerts in G groups (alertname BenchStorm matches no playbook rule, so it measures intake),
 *     posted with bounded concurrency; 5xx answers are retried as Alertmanager would; then every incident is read back.
 * Usage: npm run build && ATC_HOME=... npm run bench:incident [-- --incidents 200 --alerts 20000 --groups 50 --batch 1 --concurrency 128]
 */
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { planActions } from '../runbooks/incident/activities/playbookPlan';
import { connectClient } from '../client/temporalClient';
import { fmt, getJson, notification, percentile, postJson, rig, sleep, view, type Rig } from './incidentBench';

const PATH = '/webhooks/alertmanager';
const say = (t: string) => process.stdout.write(`${t}\n`);

async function setOrders(urls: string[], halt: boolean): Promise<void> {
  await Promise.all(
    urls.map((u) =>
      postJson(
        Number(new URL(u).port),
        `/control/${halt ? 'halt' : 'resume'}`,
        halt ? { reason: 'bench direct halt' } : {},
      ),
    ),
  );
  await Promise.all(
    urls.map(async (u) => {
      for (;;) {
        const s = await getJson<{ newOrdersEnabled: boolean }>(`${u}/control/state`);
        if (s.newOrdersEnabled === !halt) return;
        await sleep(5);
      }
    }),
  );
}

async function haltBench(r: Rig, client: Client, runs: number): Promise<void> {
  // The bots the playbook halts for a paper feed alert: paper's, and live's (the feed serves both).
  const targets = planActions(r.config, 'paper', [
    { fingerprint: 'plan', labels: { alertname: 'FeedStale', environment: 'paper', service: 'live_connector' } },
  ]);
  const bots = r.config.services.filter((s) => targets.some((t) => t.kind === 'halt-bot' && t.target === s.name));
  const urls = bots.map((b) => b.controlUrl!);
  const auth = { authorization: `Bearer ${r.token}` };
  const run = Date.now().toString(36);
  const direct: number[] = [];
  const fromAccepted: number[] = [];
  const fromPost: number[] = [];
  say(`(a) ${runs} incidents, bots the feed serves: ${bots.map((b) => b.name).join(', ')}`);
  for (let i = 0; i < runs; i++) {
    await setOrders(urls, false);
    let t = performance.now();
    await setOrders(urls, true);
    direct.push(performance.now() - t);
    await setOrders(urls, false);

    const labels = {
      alertname: 'FeedStale',
      environment: 'paper',
      service: 'live_connector',
      severity: 'warning',
      bench: `${run}-${i}`,
    };
    const body = notification(
      `{}:{alertname="FeedStale", bench="${run}-${i}"}`,
      [{ fingerprint: `${run}-${i}`, labels }],
      new Date().toISOString(),
    );
    t = performance.now();
    const res = await postJson(r.state.ports.service, PATH, body, auth);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
    const accepted = performance.now();
    const id = (res.body as { incidents: { workflowId: string }[] }).incidents[0]!.workflowId;
    for (;;) {
      const v = await view(client, id);
      const done = v && bots.every((b) => v.actions.some((a) => a.target === b.name && a.status !== 'running'));
      if (done) {
        const failed = v.actions.filter((a) => a.status !== 'verified');
        if (failed.length) throw new Error(`${id}: ${JSON.stringify(failed)}`);
        break;
      }
      await sleep(10);
    }
    const end = performance.now();
    fromAccepted.push(end - accepted);
    fromPost.push(end - t);
    for (const u of urls)
      if ((await getJson<{ newOrdersEnabled: boolean }>(`${u}/control/state`)).newOrdersEnabled)
        throw new Error(`${u} not halted`);
    await postJson(
      r.state.ports.service,
      PATH,
      notification(
        body.groupKey,
        [{ fingerprint: `${run}-${i}`, labels, status: 'resolved' }],
        body.alerts[0]!.startsAt,
      ),
      auth,
    );
    if ((i + 1) % 20 === 0)
      say(
        `  ${i + 1}/${runs}: last incident ${Math.round(fromAccepted.at(-1)!)} ms, direct ${direct.at(-1)!.toFixed(1)} ms`,
      );
  }
  await setOrders(urls, false);
  say(`(a) webhook accepted → bots halted and verified (botHalt child + incident record), ${runs} incidents:`);
  say(
    `    p50 ${fmt(percentile(fromAccepted, 50))}  p99 ${fmt(percentile(fromAccepted, 99))}  max ${fmt(Math.max(...fromAccepted))}   (from the POST: p50 ${fmt(percentile(fromPost, 50))}, p99 ${fmt(percentile(fromPost, 99))})`,
  );
  say(
    `    direct HTTP halt + read-back of the same bots: p50 ${fmt(percentile(direct, 50))}  p99 ${fmt(percentile(direct, 99))}  max ${fmt(Math.max(...direct))}`,
  );
}

async function stormBench(
  r: Rig,
  client: Client,
  total: number,
  groups: number,
  batch: number,
  concurrency: number,
): Promise<void> {
  const run = Date.now().toString(36);
  const perGroup = Math.ceil(total / groups);
  const startsAt = new Date().toISOString();
  const auth = { authorization: `Bearer ${r.token}` };
  const labels = (g: number) => ({
    alertname: 'BenchStorm',
    environment: 'dev',
    severity: 'warning',
    service: 'bench_storm',
    group: `${run}-${g}`,
  });
  const groupKey = (g: number) => `{}:{alertname="BenchStorm", group="${run}-${g}"}`;
  const bodies: ReturnType<typeof notification>[] = [];
  for (let j = 0; j < perGroup; j += batch)
    for (let g = 0; g < groups; g++) {
      const alerts = [];
      for (let k = j; k < Math.min(j + batch, perGroup) && g * perGroup + k < total; k++)
        alerts.push({ fingerprint: `${run}-${g}-${k}`, labels: { ...labels(g), n: String(k) } });
      if (alerts.length) bodies.push(notification(groupKey(g), alerts, startsAt));
    }
  say(
    `(b) storm: ${total} alerts in ${groups} groups, ${bodies.length} notifications of up to ${batch} alert(s), concurrency ${concurrency}`,
  );
  const latencies: number[] = [];
  const ids = new Set<string>();
  let retries = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        for (let attempt = 0; ; attempt++) {
          const res = await postJson(r.state.ports.service, PATH, bodies[i], auth).catch(() => ({
            status: 0,
            body: undefined,
            ms: 0,
          }));
          if (res.status === 200) {
            latencies.push(res.ms);
            for (const x of (res.body as { incidents: { workflowId: string }[] }).incidents) ids.add(x.workflowId);
            break;
          }
          if (res.status >= 400 && res.status < 500)
            throw new Error(`storm: ${res.status} ${JSON.stringify(res.body)}`);
          retries++;
          if (attempt > 50) throw new Error('storm: too many retries');
          await sleep(Math.min(1000, 20 * 2 ** attempt));
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  say(
    `(b) accepted ${total} alerts in ${seconds.toFixed(1)} s: ${(total / seconds).toFixed(0)} alerts/s, ${(bodies.length / seconds).toFixed(0)} requests/s; retried answers ${retries}`,
  );
  say(
    `    webhook latency p50 ${fmt(percentile(latencies, 50))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(Math.max(...latencies))}`,
  );
  const deadline = Date.now() + 300_000;
  let recorded = 0;
  for (const id of ids) {
    let v = await view(client, id);
    while ((v?.alerts.length ?? 0) < perGroup && Date.now() < deadline) {
      await sleep(500);
      v = await view(client, id);
    }
    recorded += v?.alerts.length ?? 0;
  }
  const drained = (performance.now() - t0) / 1000;
  say(
    `    incidents created ${ids.size} (expected ${groups}); alerts recorded ${recorded}; alerts lost ${total - recorded}; all recorded ${drained.toFixed(1)} s after the first post`,
  );
  for (let g = 0; g < groups; g++) {
    const alerts = Array.from({ length: perGroup }, (_, k) => ({
      fingerprint: `${run}-${g}-${k}`,
      labels: { ...labels(g), n: String(k) },
      status: 'resolved' as const,
    }));
    await postJson(r.state.ports.service, PATH, notification(groupKey(g), alerts, startsAt), auth);
  }
  say('    (every storm incident was sent a resolved notification and closes by itself)');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      incidents: { type: 'string' },
      alerts: { type: 'string' },
      groups: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const r = rig();
  const client = await connectClient(r.config);
  try {
    if (values.only !== 'b') await haltBench(r, client, Number(values.incidents ?? 200));
    if (values.only !== 'a')
      await stormBench(
        r,
        client,
        Number(values.alerts ?? 20_000),
        Number(values.groups ?? 50),
        Number(values.batch ?? 1),
        Number(values.concurrency ?? 128),
      );
  } finally {
    await client.connection.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
