/** The service's own metrics (prom-client), served on /metrics together with the Temporal SDK's. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { lastSuccessSeconds } from '../integrations/restoreTestState';

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

/** Incident runbook: webhook intake (by the HTTP route) and incident lifecycle (by the incident activities). */
export const webhookRequests = new Counter({
  name: 'atc_ops_webhook_requests_total',
  help: 'Alertmanager webhook requests by outcome (accepted | rejected) and reason (ok, unauthorized, too-large, bad-json, ...)',
  labelNames: ['outcome', 'reason'],
  registers: [registry],
});
export const webhookAlerts = new Counter({
  name: 'atc_ops_webhook_alerts_total',
  help: 'Alerts in accepted Alertmanager notifications (handed to Temporal), by status',
  labelNames: ['status'],
  registers: [registry],
});
export const webhookSeconds = new Histogram({
  name: 'atc_ops_webhook_duration_seconds',
  help: 'Time to answer an Alertmanager webhook request (accepted ones include the Temporal signal-with-start)',
  labelNames: ['outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
export const incidentsOpened = new Counter({
  name: 'atc_ops_incidents_opened_total',
  help: 'Incidents opened (counted by the worker when on-call is notified)',
  labelNames: ['environment', 'severity'],
  registers: [registry],
});
export const incidentsClosed = new Counter({
  name: 'atc_ops_incidents_closed_total',
  help: 'Incidents closed (counted by the worker after the postmortem is written)',
  labelNames: ['environment', 'severity'],
  registers: [registry],
});
export const incidentFirstActionSeconds = new Histogram({
  name: 'atc_ops_incident_first_action_seconds',
  help: 'Workflow time from an incident opening to its first verified playbook action',
  labelNames: ['environment'],
  buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

/** Restore test: last success per database, read from <dataDir>/state/restore-test.json at scrape time (set by serve). */
let restoreTestStateFile: string | undefined;
export function watchRestoreTestState(file: string): void {
  restoreTestStateFile = file;
}
export const restoreTestLastSuccess = new Gauge({
  name: 'atc_restore_test_last_success_timestamp_seconds',
  help: 'Unix time of the last successful restore test, per configured database (no sample until one succeeded)',
  labelNames: ['database'],
  registers: [registry],
  async collect() {
    this.reset();
    if (!restoreTestStateFile) return;
    for (const [database, seconds] of Object.entries(await lastSuccessSeconds(restoreTestStateFile)))
      this.set({ database }, seconds);
  },
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
