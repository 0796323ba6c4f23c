/** Each fault kind changes what the simulators expose: metrics, control state, rows in `trading`, container state. */
import Docker from 'dockerode';
import { Client } from 'pg';
import { readFileSync } from 'node:fs';
import { clearFaults, simState, waitSimReady } from '../../src/client/rig/sims';
import type { SimTarget } from '../../src/client/rig/state';
import { atc } from '../support/cli';
import { rigConfig, rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

const sim = (name: string): SimTarget => rigState().sims.find((s) => s.service === name)!;
const base = (name: string) => `http://127.0.0.1:${sim(name).port}`;

async function metric(service: string, name: string): Promise<number> {
  const text = await (await fetch(`${base(service)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  if (!line) throw new Error(`${service} does not expose ${name}`);
  return Number(line.split(' ').pop());
}
async function fault(service: string, kind: string): Promise<void> {
  const r = await atc(['sim', 'fault', service, kind]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}
async function botState(service: string) {
  return (await (await fetch(`${base(service)}/control/state`)).json()) as {
    newOrdersEnabled: boolean;
    openOrders: number;
    mode: string;
  };
}
const docker = () => new Docker({ socketPath: rigState().dockerSocket });

afterEach(async () => {
  for (const s of rigState().sims) {
    const c = docker().getContainer(s.service);
    if (!(await c.inspect()).State.Running) await c.start();
    await waitSimReady(s, 30_000);
    await clearFaults(s);
    await fetch(`${base(s.service)}/control/resume`, { method: 'POST' }).catch(() => undefined);
  }
});

describe('feed (live_connector)', () => {
  test('stall: bars stop, stale seconds grow', async () => {
    await fault('live_connector', 'stall');
    const bars = await metric('live_connector', 'atc_feed_bars_total');
    // No bar for a while: wait for the simulator's own clock (stale seconds >= 2, i.e. two bar intervals missed).
    await waitFor(
      'stale seconds >= 2.5',
      async () => (await metric('live_connector', 'atc_feed_dq_stale_seconds')) >= 2.5,
    );
    expect(await metric('live_connector', 'atc_feed_bars_total')).toBe(bars);
    expect(await metric('live_connector', 'atc_feed_dq_stale_seconds')).toBeGreaterThanOrEqual(2);
  });
  test('latency: latency above 2.5 s while bars continue', async () => {
    await fault('live_connector', 'latency');
    const bars = await metric('live_connector', 'atc_feed_bars_total');
    await waitFor(
      'a slow bar',
      async () =>
        (await metric('live_connector', 'atc_feed_latency_ms')) >= 2500 &&
        (await metric('live_connector', 'atc_feed_bars_total')) > bars,
    );
    expect(await metric('live_connector', 'atc_feed_latency_ms')).toBeGreaterThanOrEqual(2500);
    expect(await metric('live_connector', 'atc_feed_bars_total')).toBeGreaterThan(bars);
  });
  test('disconnect-loop: reconnects climb', async () => {
    const before = await metric('live_connector', 'atc_feed_reconnects_total');
    await fault('live_connector', 'disconnect-loop');
    await waitFor(
      'two reconnects',
      async () => (await metric('live_connector', 'atc_feed_reconnects_total')) >= before + 2,
    );
    expect(await metric('live_connector', 'atc_feed_reconnects_total')).toBeGreaterThanOrEqual(before + 2);
  });
  test('dq-gaps: the gap counter climbs and the bars table gets holes', async () => {
    const cfg = rigConfig().databases.trading!;
    const db = new Client({
      host: cfg.host,
      port: cfg.port,
      user: cfg.user,
      database: cfg.database,
      password: readFileSync((cfg.password as { file: string }).file, 'utf8').trim(),
    });
    await db.connect();
    try {
      const since = async (t: Date) =>
        Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM bars WHERE ts > $1', [t])).rows[0]!.n);
      const gaps = await metric('live_connector', 'atc_feed_dq_gaps_total');
      await fault('live_connector', 'dq-gaps');
      // A bar already in flight may still land: wait for a tick under the fault and no write pending.
      const first = await waitFor('a gap and no pending write', async () => {
        const st = (await simState(sim('live_connector'))) as { counters: { gaps: number }; pendingWrites: number };
        return st.counters.gaps > gaps && st.pendingWrites === 0 && st.counters.gaps;
      });
      const faulty = new Date();
      // No stored bar for a while: wait for two more ticks the simulator counted as gaps, then look at the table.
      await waitFor(
        'two more gaps',
        async () => (await metric('live_connector', 'atc_feed_dq_gaps_total')) >= first + 2,
      );
      expect(await metric('live_connector', 'atc_feed_dq_gaps_total')).toBeGreaterThanOrEqual(gaps + 2);
      expect(await since(faulty)).toBe(0);
      await clearFaults(sim('live_connector'));
      const cleared = new Date();
      const bars = await waitFor(
        'two bars stored after the clear',
        async () => {
          const n = await since(cleared);
          return n >= 2 && n;
        },
        { timeoutMs: 15_000 },
      );
      expect(bars).toBeGreaterThanOrEqual(2);
    } finally {
      await db.end();
    }
  });
  test('crash: the container exits', async () => {
    await fault('live_connector', 'crash');
    const state = await waitFor(
      'live_connector exited',
      async () => {
        const st = (await docker().getContainer('live_connector').inspect()).State.Status;
        return st === 'exited' && st;
      },
      { timeoutMs: 5000 },
    );
    expect(state).toBe('exited');
  });
});

describe('bots', () => {
  test('control contract: halt → disabled and counted, orders drain; resume → enabled', async () => {
    const before = (await (await fetch(`${base('bot_paper')}/sim/state`)).json()) as { haltCalls: number };
    const res = await fetch(`${base('bot_paper')}/control/halt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"test"}',
    });
    expect(res.status).toBe(200);
    expect(await botState('bot_paper')).toMatchObject({ newOrdersEnabled: false, mode: 'paper' });
    expect(await metric('bot_paper', 'atc_bot_new_orders_enabled')).toBe(0);
    const after = (await (await fetch(`${base('bot_paper')}/sim/state`)).json()) as { haltCalls: number };
    expect(after.haltCalls).toBe(before.haltCalls + 1);
    await waitFor('orders drained', async () => (await botState('bot_paper')).openOrders === 0, { timeoutMs: 10_000 });
    expect((await botState('bot_paper')).openOrders).toBe(0);
    expect((await fetch(`${base('bot_paper')}/control/halt`, { method: 'POST', body: '{}' })).status).toBe(400);
    await fetch(`${base('bot_paper')}/control/resume`, { method: 'POST' });
    expect((await botState('bot_paper')).newOrdersEnabled).toBe(true);
  });
  test('drawdown: drawdown above 15 %', async () => {
    await fault('bot_live', 'drawdown');
    await waitFor('drawdown >= 15 %', async () => (await metric('bot_live', 'atc_bot_drawdown_pct')) >= 15, {
      timeoutMs: 10_000,
    });
    expect(await metric('bot_live', 'atc_bot_drawdown_pct')).toBeGreaterThanOrEqual(15);
  });
  test('ignore-halt: the halt is answered but new orders stay enabled', async () => {
    await fault('bot_paper', 'ignore-halt');
    const res = await fetch(`${base('bot_paper')}/control/halt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"test"}',
    });
    expect(res.status).toBe(200);
    expect((await botState('bot_paper')).newOrdersEnabled).toBe(true);
  });
  test('crash: the container exits', async () => {
    await fault('bot_live', 'crash');
    const state = await waitFor(
      'bot_live exited',
      async () => {
        const st = (await docker().getContainer('bot_live').inspect()).State.Status;
        return st === 'exited' && st;
      },
      { timeoutMs: 5000 },
    );
    expect(state).toBe('exited');
  });
});
