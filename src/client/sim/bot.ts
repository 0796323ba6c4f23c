/**
 * Simulated trading bot (`bot_paper` / `bot_live`) running RefStrat_01: equity random walk, drawdown, PnL,
 * tracking error, the control contract of SPEC §4 (GET /control/state, POST /control/halt|resume),
 * Prometheus metrics and fault injection. Imports only node built-ins.
 */
import { MetricFamily, jsonReply, readSimEnv, serveSim, SimReply } from './http';

export const BOT_FAULTS = ['drawdown', 'ignore-halt', 'crash'] as const;

const START_EQUITY = 10000;
const TICK_MS = 500;

export function runBot(): void {
  const env = readSimEnv('bot');
  const mode = process.env.SIM_MODE || 'paper';
  if (mode !== 'paper' && mode !== 'live') throw new Error(`SIM_MODE must be paper|live, got ${mode}`);
  const faults = new Set<string>();
  const s = {
    newOrdersEnabled: true,
    openOrders: 0,
    equity: env.behavior === 'breach' ? START_EQUITY * 0.8 : START_EQUITY,
    peak: START_EQUITY,
    trackingError: 0.01,
    ordersTotal: 0,
    haltCalls: 0,
    resumeCalls: 0,
    lastHaltReason: null as string | null,
  };
  const drawdownPct = () => ((s.peak - s.equity) / s.peak) * 100;

  function targetEquity(): number {
    if (faults.has('drawdown')) return s.peak * 0.82;
    return env.behavior === 'breach' ? START_EQUITY * 0.8 : START_EQUITY;
  }

  function tick(): void {
    const noise = (Math.random() - 0.5) * 10;
    s.equity += (targetEquity() - s.equity) * 0.2 + noise;
    if (faults.has('drawdown')) s.equity = Math.min(s.equity, s.peak * 0.84); // stays >= 16% down
    s.peak = Math.max(s.peak, s.equity);
    s.trackingError = 0.005 + Math.random() * 0.01;
    if (s.newOrdersEnabled) {
      const placed = Math.floor(Math.random() * 2);
      s.ordersTotal += placed;
      s.openOrders = Math.floor(Math.random() * 4);
    } else {
      s.openOrders = Math.max(0, s.openOrders - 1); // drains to 0 within ~1.5 s
    }
  }

  const controlState = () => ({ newOrdersEnabled: s.newOrdersEnabled, openOrders: s.openOrders, mode });
  const routes: Record<string, (body: Record<string, unknown>) => SimReply> = {
    'GET /control/state': () => jsonReply(200, controlState()),
    'POST /control/halt': (body) => {
      const reason = body.reason;
      if (typeof reason !== 'string' || !reason.trim())
        return jsonReply(400, { error: 'reason (non-empty string) is required' });
      s.haltCalls += 1;
      s.lastHaltReason = reason;
      if (!faults.has('ignore-halt')) s.newOrdersEnabled = false;
      return jsonReply(200, { ok: true, newOrdersEnabled: false }); // with ignore-halt the bot claims it but does not
    },
    'POST /control/resume': () => {
      s.resumeCalls += 1;
      s.newOrdersEnabled = true;
      return jsonReply(200, { ok: true, newOrdersEnabled: true });
    },
  };

  function metrics(): MetricFamily[] {
    const labels = { bot: env.name, mode, strategy: 'RefStrat_01' };
    const m = (name: string, type: 'gauge' | 'counter', help: string, value: number): MetricFamily => ({
      name,
      help,
      type,
      samples: [{ labels, value }],
    });
    return [
      m('atc_bot_equity', 'gauge', 'Account equity (USDT).', Number(s.equity.toFixed(2))),
      m(
        'atc_bot_drawdown_pct',
        'gauge',
        'Drawdown from the equity peak, in percent.',
        Number(drawdownPct().toFixed(4)),
      ),
      m('atc_bot_pnl', 'gauge', 'Profit and loss since start (USDT).', Number((s.equity - START_EQUITY).toFixed(2))),
      m(
        'atc_bot_tracking_error',
        'gauge',
        'Tracking error versus the RefStrat_01 backtest.',
        Number(s.trackingError.toFixed(5)),
      ),
      m('atc_bot_new_orders_enabled', 'gauge', '1 when the bot may place new orders.', s.newOrdersEnabled ? 1 : 0),
      m('atc_bot_open_orders', 'gauge', 'Open orders.', s.openOrders),
      m('atc_bot_halt_requests_total', 'counter', 'Halt requests received on /control/halt.', s.haltCalls),
      m('atc_bot_orders_total', 'counter', 'Orders placed.', s.ordersTotal),
    ];
  }

  function state(): Record<string, unknown> {
    return {
      kind: 'bot',
      name: env.name,
      version: env.version,
      behavior: env.behavior,
      mode,
      strategy: 'RefStrat_01',
      faults: [...faults],
      ...s,
      pnl: s.equity - START_EQUITY,
      drawdownPct: drawdownPct(),
    };
  }

  function onFault(kind: string): void {
    if (kind === 'drawdown') s.equity = s.peak * 0.82;
  }
  function onClear(): void {
    s.equity = Math.max(s.equity, targetEquity()); // back to normal at once (a breach image stays at -20%)
  }

  serveSim({ env, faultKinds: BOT_FAULTS, faults, metrics, state, routes, onFault, onClear });
  setInterval(tick, TICK_MS);
}
