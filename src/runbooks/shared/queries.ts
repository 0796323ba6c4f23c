/**
 * Default PromQL for the platform's metrics (they match the simulated stack; override under `queries:`).
 * Placeholders: {job} (the service's Prometheus job), {window} (a PromQL range such as 1m).
 */
export const defaultQueries: Record<string, string> = {
  targetUp: 'min(up{job="{job}"})',
  feedLatencyMs: 'max(atc_feed_latency_ms{job="{job}"})',
  feedBarsInWindow: 'sum(increase(atc_feed_bars_total{job="{job}"}[{window}]))',
  feedReconnectsInWindow: 'sum(increase(atc_feed_reconnects_total{job="{job}"}[{window}]))',
  feedDqGapsInWindow: 'sum(increase(atc_feed_dq_gaps_total{job="{job}"}[{window}]))',
  feedDqOutliersInWindow: 'sum(increase(atc_feed_dq_outliers_total{job="{job}"}[{window}]))',
  feedDqStaleSeconds: 'max(atc_feed_dq_stale_seconds{job="{job}"})',
  botEquity: 'max(atc_bot_equity{job="{job}"})',
  botDrawdownPct: 'max(atc_bot_drawdown_pct{job="{job}"})',
  botPnl: 'max(atc_bot_pnl{job="{job}"})',
  botTrackingError: 'max(atc_bot_tracking_error{job="{job}"})',
};

export function renderQuery(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(job|window|service)\}/g, (m, k: string) => vars[k] ?? m);
}
