/** Prometheus (scrapes the simulators and the service, evaluates the platform's alert rules) and Alertmanager. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { RigState } from './state';
import { httpOk, startDaemon, waitFor } from './processes';
import { restoreTestRuleGroup } from './restoreTestRules';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Alert rules for the platform; every alert carries service, environment and severity labels. */
export function alertRules(): unknown {
  const rule = (alert: string, expr: string, forS: string, severity: string, summary: string) => ({
    alert,
    expr,
    for: forS,
    labels: { severity },
    annotations: { summary },
  });
  return {
    groups: [
      {
        name: 'ai-trading-core',
        interval: '1s',
        rules: [
          rule(
            'FeedStale',
            'max by (job, service, environment) (atc_feed_dq_stale_seconds) > 5',
            '2s',
            'critical',
            'LiveFeed produced no bar for over 5 s',
          ),
          rule(
            'FeedLatencyHigh',
            'max by (job, service, environment) (atc_feed_latency_ms) > 1000',
            '3s',
            'critical',
            'LiveFeed latency above 1 s',
          ),
          rule(
            'FeedDataQualityGaps',
            'sum by (job, service, environment) (increase(atc_feed_dq_gaps_total[30s])) > 0',
            '2s',
            'warning',
            'LiveFeed has gaps in its bars',
          ),
          rule(
            'BotDrawdownBreach',
            'max by (job, service, environment, bot) (atc_bot_drawdown_pct) > 10',
            '2s',
            'critical',
            'Bot drawdown above 10 %',
          ),
          rule('TargetDown', 'up{job!~"prometheus|atc_ops"} == 0', '5s', 'critical', 'A scrape target is down'),
          // atc-ops itself: its own webhook only hears of this once it is back, so a warning that closes when it resolves
          rule(
            'AtcOpsDown',
            'up{job="atc_ops"} == 0',
            '5s',
            'warning',
            'The atc-ops service (worker + webhook) is not answering',
          ),
        ],
      },
      restoreTestRuleGroup(['trading', 'mlflow']), // the rig's configured databases
    ],
  };
}

export function writePrometheusConfig(state: RigState, environments: Record<string, string>): string {
  const dir = path.join(state.dir, 'prometheus');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'rules.yml'), stringify(alertRules()));
  const job = (name: string, port: number, extra: Record<string, string> = {}) => ({
    job_name: name,
    scrape_interval: '1s',
    scrape_timeout: '900ms',
    static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { service: name, ...extra } }],
  });
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [path.join(dir, 'rules.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${state.ports.alertmanager}`] }] }] },
    scrape_configs: [
      job('prometheus', state.ports.prometheus),
      job('atc_ops', state.ports.service),
      ...state.sims.map((s) => job(s.service, s.port, { environment: environments[s.service] ?? 'dev' })),
    ],
  };
  const file = path.join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  return file;
}

export function writeAlertmanagerConfig(state: RigState): string {
  const dir = path.join(state.dir, 'alertmanager');
  mkdirSync(dir, { recursive: true });
  const config = {
    route: {
      receiver: 'atc-ops',
      group_by: ['alertname', 'environment', 'service'],
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '1h',
    },
    receivers: [
      {
        name: 'atc-ops',
        webhook_configs: [
          {
            url: `http://127.0.0.1:${state.ports.service}/webhooks/alertmanager`,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: state.tokenFile } },
          },
        ],
      },
    ],
  };
  const file = path.join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}

export function startPrometheus(state: RigState, configFile: string): number {
  const data = path.join(state.dir, 'prometheus', 'data');
  const args = [
    '--config.file',
    configFile,
    '--storage.tsdb.path',
    data,
    '--web.listen-address',
    `127.0.0.1:${state.ports.prometheus}`,
    '--web.enable-lifecycle',
    '--log.level',
    'warn',
  ];
  return startDaemon({ name: 'prometheus', command: PROMETHEUS_BIN, args, logDir: path.join(state.dir, 'logs') });
}

export function startAlertmanager(state: RigState, configFile: string): number {
  const data = path.join(state.dir, 'alertmanager', 'data');
  const args = [
    '--config.file',
    configFile,
    '--storage.path',
    data,
    '--web.listen-address',
    `127.0.0.1:${state.ports.alertmanager}`,
    '--cluster.listen-address=',
    '--log.level',
    'warn',
  ];
  return startDaemon({ name: 'alertmanager', command: ALERTMANAGER_BIN, args, logDir: path.join(state.dir, 'logs') });
}

export async function waitHttpReady(what: string, url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(what, () => httpOk(url), timeoutMs, 250);
}

export interface ScrapeTarget {
  job: string;
  instance: string;
  health: string; // up | down | unknown (not scraped yet)
  lastScrape: string; // 0001-01-01T00:00:00Z until the first scrape
  lastError: string;
}

export async function activeTargets(prometheusUrl: string): Promise<ScrapeTarget[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`GET /api/v1/targets answered ${res.status}`);
  const body = (await res.json()) as {
    data: {
      activeTargets: { labels: Record<string, string>; health: string; lastScrape: string; lastError: string }[];
    };
  };
  return body.data.activeTargets.map((t) => ({
    job: t.labels.job ?? '',
    instance: t.labels.instance ?? '',
    health: t.health,
    lastScrape: t.lastScrape,
    lastError: t.lastError,
  }));
}

/** The expected jobs not yet scraped successfully (health "up" with a real lastScrape), each with why. */
export function jobsNotScraped(targets: ScrapeTarget[], jobs: string[]): string[] {
  return jobs.flatMap((job) => {
    const own = targets.filter((t) => t.job === job);
    if (own.length === 0) return [`${job} (no active target)`];
    const bad = own.filter((t) => t.health !== 'up' || !(Date.parse(t.lastScrape) > 0));
    return bad.map((t) => `${job} ${t.instance} (${t.health}${t.lastError ? `: ${t.lastError}` : ''})`);
  });
}

/**
 * Waits until Prometheus has scraped every expected job at least once with health "up": a runbook that queries
 * `up` right after `rig up` must not see 0/0 targets. Fails naming the targets that are not up.
 */
export async function waitTargetsScraped(prometheusUrl: string, jobs: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = ['no answer from Prometheus yet'];
  for (;;) {
    try {
      missing = jobsNotScraped(await activeTargets(prometheusUrl), jobs);
      if (missing.length === 0) return;
    } catch (err) {
      missing = [`Prometheus targets API: ${(err as Error).message}`];
    }
    if (Date.now() >= deadline)
      throw new Error(
        `Prometheus has not scraped every target after ${Math.round(timeoutMs / 1000)} s; not up: ${missing.join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The scrape jobs of writePrometheusConfig. */
export function rigScrapeJobs(state: RigState): string[] {
  return ['prometheus', 'atc_ops', ...state.sims.map((s) => s.service)];
}
