/** The service's own metrics (prom-client), served on /metrics together with the Temporal SDK's. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'atc_ops_' });

export const httpRequests = new Counter({
  name: 'atc_ops_http_requests_total',
  help: 'HTTP requests answered by atc serve, by route and status code',
  labelNames: ['route', 'code'],
  registers: [registry],
});

export const workerUp = new Gauge({
  name: 'atc_ops_worker_running',
  help: '1 while the Temporal worker of this process is running',
  registers: [registry],
});

/** Our metrics plus the SDK exporter's text (if installed); a failing SDK scrape is reported, not hidden. */
export async function renderMetrics(sdkUrl?: string): Promise<string> {
  let text = await registry.metrics();
  if (sdkUrl) {
    try {
      const res = await fetch(sdkUrl, { signal: AbortSignal.timeout(2000) });
      text += `\n${await res.text()}`;
    } catch {
      text += '\n# atc-ops: the Temporal SDK metrics exporter did not answer\n';
    }
  }
  return text;
}
