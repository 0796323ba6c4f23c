/**
 * Simulated LiveFeed (`live_connector`): one BTCUSDT bar per interval (random walk around 60000) written to
 * PostgreSQL `bars` plus EMA/ATR rows in `features`, Prometheus metrics, and fault injection.
 * Imports only node built-ins and pg (runs in the minimal sim image).
 */
import { Client } from 'pg';
import { MetricFamily, readSimEnv, serveSim } from './http';

export const FEED_FAULTS = ['stall', 'latency', 'disconnect-loop', 'dq-gaps', 'crash'] as const;

interface Bar {
  ts: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  emaFast: number;
  emaSlow: number;
  atr: number;
}

const INSERT_BAR_AND_FEATURES = `WITH bar AS (
  INSERT INTO bars(ts, symbol, open, high, low, close, volume) VALUES ($1, $2, $3, $4, $5, $6, $7)
) INSERT INTO features(ts, symbol, name, value) VALUES ($1, $2, 'ema_fast', $8), ($1, $2, 'ema_slow', $9), ($1, $2, 'atr', $10)`;
const MAX_PENDING_BARS = 600;

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

export function runFeed(): void {
  const env = readSimEnv('feed');
  const symbol = process.env.SIM_SYMBOL || 'BTCUSDT';
  const intervalMs = Number(process.env.SIM_BAR_INTERVAL_MS || 1000);
  if (!(intervalMs >= 10)) throw new Error(`SIM_BAR_INTERVAL_MS must be >= 10, got ${process.env.SIM_BAR_INTERVAL_MS}`);
  const faults = new Set<string>();
  const n = { bars: 0, reconnects: 0, gaps: 0, outliers: 0, dbErrors: 0, dbWrites: 0 };
  const startedMs = Date.now();
  let connected = 1;
  let latencyMs = 50;
  let lastBarWallMs = startedMs;
  let lastBar: Bar | undefined;
  let lastSlotMs = 0;
  const pending: Bar[] = [];
  let db: Client | undefined;
  let writing = false;

  function nextBar(slotMs: number): Bar {
    const prevClose = lastBar?.close ?? 60000;
    const open = prevClose;
    const close = open * (1 + 0.0008 * gaussian()) + (60000 - open) * 0.001;
    const high = Math.max(open, close) * (1 + Math.abs(0.0003 * gaussian()));
    const low = Math.min(open, close) * (1 - Math.abs(0.0003 * gaussian()));
    const trueRange = Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
    const ema = (prev: number | undefined, period: number) =>
      prev === undefined ? close : prev + (2 / (period + 1)) * (close - prev);
    if (Math.abs(close / prevClose - 1) > 0.05) n.outliers += 1; // a DQ rule: > 5% jump in one bar
    return {
      ts: new Date(slotMs),
      open,
      high,
      low,
      close,
      volume: 5 + Math.random() * 20,
      emaFast: ema(lastBar?.emaFast, 12),
      emaSlow: ema(lastBar?.emaSlow, 26),
      atr: lastBar === undefined ? trueRange : (lastBar.atr * 13 + trueRange) / 14,
    };
  }

  function dropDb(): void {
    const old = db;
    db = undefined;
    old?.end().catch(() => undefined);
  }

  /** Writes pending bars in order; on any PostgreSQL error counts it and retries on the next tick. */
  async function flush(): Promise<void> {
    if (writing) return;
    writing = true;
    try {
      if (!db && pending.length) {
        const client = new Client({
          connectionTimeoutMillis: 2000,
          query_timeout: 5000,
          application_name: `atc-sim-${env.name}`,
        });
        client.on('error', () => {
          if (db === client) dropDb();
        }); // idle connection lost: reconnect on the next write
        db = client;
        await client.connect();
      }
      for (let bar = pending[0]; bar && db; bar = pending[0]) {
        await db.query(INSERT_BAR_AND_FEATURES, [
          bar.ts,
          symbol,
          bar.open,
          bar.high,
          bar.low,
          bar.close,
          bar.volume,
          bar.emaFast,
          bar.emaSlow,
          bar.atr,
        ]);
        pending.shift();
        n.dbWrites += 1;
      }
    } catch {
      n.dbErrors += 1;
      dropDb();
    } finally {
      writing = false;
    }
  }

  function tick(): void {
    const active = (kind: string) => faults.has(kind);
    latencyMs = active('latency')
      ? 2500 + Math.random() * 1000
      : env.behavior === 'breach'
        ? 2900 + Math.random() * 200
        : 20 + Math.random() * 60;
    if (active('stall')) return;
    let slotMs = Math.floor(Date.now() / intervalMs) * intervalMs;
    if (slotMs <= lastSlotMs) slotMs = lastSlotMs + intervalMs;
    lastSlotMs = slotMs;
    if (active('disconnect-loop')) {
      n.reconnects += 1;
      connected = 1 - connected;
      if (!connected) return;
    }
    const bar = nextBar(slotMs);
    lastBar = bar;
    lastBarWallMs = Date.now();
    n.bars += 1;
    if (active('dq-gaps'))
      n.gaps += 1; // received, but a hole in the stored series
    else pending.push(bar);
    if (pending.length > MAX_PENDING_BARS) pending.shift();
    void flush();
  }

  function metrics(): MetricFamily[] {
    const g = (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type: 'gauge',
      samples: [{ value }],
    });
    const c = (name: string, help: string, value: number): MetricFamily => ({
      name,
      help,
      type: 'counter',
      samples: [{ value }],
    });
    return [
      c('atc_feed_bars_total', 'Bars received from the venue.', n.bars),
      g('atc_feed_latency_ms', 'Venue-to-feed latency of the last tick in milliseconds.', Math.round(latencyMs)),
      c('atc_feed_reconnects_total', 'Reconnects to the venue.', n.reconnects),
      g('atc_feed_connected', '1 when connected to the venue.', connected),
      c('atc_feed_dq_gaps_total', 'Data-quality gaps (missing bars in the stored series).', n.gaps),
      c('atc_feed_dq_outliers_total', 'Data-quality outliers (bar-to-bar jump above 5%).', n.outliers),
      g('atc_feed_dq_stale_seconds', 'Seconds since the last bar.', (Date.now() - lastBarWallMs) / 1000),
      g(
        'atc_feed_last_bar_timestamp_seconds',
        'Timestamp of the last bar (unix seconds).',
        lastBar ? lastBar.ts.getTime() / 1000 : 0,
      ),
      c('atc_feed_db_errors_total', 'PostgreSQL errors while persisting bars.', n.dbErrors),
    ];
  }

  function state(): Record<string, unknown> {
    return {
      kind: 'feed',
      name: env.name,
      version: env.version,
      behavior: env.behavior,
      symbol,
      intervalMs,
      faults: [...faults],
      counters: { ...n },
      connected: connected === 1,
      latencyMs: Math.round(latencyMs),
      lastBarTs: lastBar?.ts.toISOString() ?? null,
      lastClose: lastBar?.close ?? null,
      staleSeconds: (Date.now() - lastBarWallMs) / 1000,
      dbConnected: db !== undefined,
      pendingWrites: pending.length,
    };
  }

  serveSim({
    env,
    faultKinds: FEED_FAULTS,
    faults,
    metrics,
    state,
    onClear: () => {
      connected = 1;
    },
  });
  setInterval(tick, intervalMs);
}
