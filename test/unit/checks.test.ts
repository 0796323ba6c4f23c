/** The check sections over fake integrations: grading, evidence, and every failure mode is UNKNOWN, never OK. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkAlertsSection } from '../../src/runbooks/daily-check/activities/alerts';
import { checkBotsSection } from '../../src/runbooks/daily-check/activities/bots';
import { checkDriftSection } from '../../src/runbooks/daily-check/activities/drift';
import { checkFeedSection } from '../../src/runbooks/daily-check/activities/feed';
import { restartCountsFile } from '../../src/runbooks/daily-check/activities/restartCounts';
import { checkSystemSection } from '../../src/runbooks/daily-check/activities/system';
import { worstStatus, type CheckSection } from '../../src/runbooks/daily-check/contract';
import type { ActivityDeps } from '../../src/runbooks/shared/deps';
import { parseConfig } from '../../src/config';
import { UnreachableError } from '../../src/errors';
import type { ActiveAlert } from '../../src/integrations/alertmanager';
import type { ContainerStatus } from '../../src/integrations/docker';
import { renderDailyCheckReport } from '../../src/runbooks/daily-check/report';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'atc-checks-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function deps(over: Record<string, unknown>): ActivityDeps {
  const config = parseConfig({
    environments: { paper: {}, dev: {} },
    services: [
      { name: 'feed', role: 'feed', environments: ['paper', 'dev'], container: 'feed', prometheusJob: 'feed' },
      {
        name: 'bot_paper',
        role: 'bot',
        environments: ['paper'],
        container: 'bot_paper',
        prometheusJob: 'bot_paper',
        controlUrl: 'http://127.0.0.1:1',
      },
    ],
  });
  return { config: { ...config, dataDir }, ...over } as unknown as ActivityDeps;
}

const byName = (s: CheckSection) => Object.fromEntries(s.items.map((i) => [i.name, i]));
const metricsFrom = (values: Record<string, number | undefined>) => ({
  query: async (q: string) => {
    const key = Object.keys(values).find((k) => q.includes(k));
    const v = key === undefined ? undefined : values[key];
    return { query: q, samples: v === undefined ? [] : [{ labels: {}, value: v }] };
  },
});
const healthyFeed = { up: 1, latency: 40, bars_total: 60, reconnects: 0, gaps: 0, outliers: 0, stale: 0.4 };

test('worstStatus: FAIL > UNKNOWN > WARN > OK; nothing is UNKNOWN', () => {
  expect(worstStatus(['OK', 'WARN', 'UNKNOWN'])).toBe('UNKNOWN');
  expect(worstStatus(['UNKNOWN', 'FAIL', 'OK'])).toBe('FAIL');
  expect(worstStatus([])).toBe('UNKNOWN');
});

test('feed: healthy values are OK; latency over the fail limit is FAIL with the query as evidence', async () => {
  const ok = await checkFeedSection(deps({ metrics: metricsFrom(healthyFeed) }), 'paper');
  expect(ok.status).toBe('OK');
  expect(ok.items).toHaveLength(7);
  const slow = await checkFeedSection(deps({ metrics: metricsFrom({ ...healthyFeed, latency: 3000 }) }), 'paper');
  const latency = byName(slow)['feed latency']!;
  expect(latency).toMatchObject({ status: 'FAIL', value: 3000, threshold: 'warn > 250 ms, fail > 1000 ms' });
  expect(latency.evidence[0]).toEqual({
    source: 'prometheus',
    call: 'max(atc_feed_latency_ms{job="feed"})',
    response: '[{"value":3000}]',
  });
  expect(slow.durationMs).toBeGreaterThanOrEqual(0);
});

test('feed: a missing series and an unreachable Prometheus are UNKNOWN with the reason, never OK', async () => {
  const missing = await checkFeedSection(deps({ metrics: metricsFrom({ ...healthyFeed, gaps: undefined }) }), 'paper');
  expect(byName(missing)['feed DQ gaps in 1m']).toMatchObject({ status: 'UNKNOWN', value: null });
  expect(missing.status).toBe('UNKNOWN');
  const down = {
    query: async () =>
      Promise.reject(new UnreachableError('GET http://127.0.0.1:9/api/v1/query: cannot connect (ECONNREFUSED)')),
  };
  const unreachable = await checkFeedSection(deps({ metrics: down }), 'paper');
  expect(unreachable.items.every((i) => i.status === 'UNKNOWN')).toBe(true);
  expect(unreachable.items[0]!.evidence[0]!.response).toMatch(/^error: .*ECONNREFUSED/);
});

test('bots: drawdown over the limit is FAIL; a halted bot is WARN; an unreachable bot is UNKNOWN', async () => {
  const metrics = metricsFrom({ equity: 8200, drawdown: 18, pnl: -1800, tracking: 0.01 });
  const halted = { state: async () => ({ newOrdersEnabled: false, openOrders: 0, mode: 'paper' }) };
  const s = byName(await checkBotsSection(deps({ metrics, bots: halted }), 'paper'));
  expect(s['bot_paper drawdown']).toMatchObject({ status: 'FAIL', value: 18 });
  expect(s['bot_paper new orders']).toMatchObject({ status: 'WARN', value: 'halted' });
  const gone = { state: async () => Promise.reject(new UnreachableError('bot down')) };
  const u = byName(await checkBotsSection(deps({ metrics, bots: gone }), 'paper'));
  expect(u['bot_paper new orders']!.status).toBe('UNKNOWN');
  const none = await checkBotsSection(deps({ metrics }), 'dev');
  expect(none.status).toBe('OK'); // dev has no bots: nothing unknown about that
});

test('system: stopped container FAIL, Docker unreachable UNKNOWN, restart count rising WARN (stable on retry)', async () => {
  let status: Partial<ContainerStatus> = {
    exists: true,
    id: 'c1',
    running: true,
    state: 'running',
    health: 'healthy',
    restartCount: 0,
  };
  const containers = { status: async (name: string) => ({ name, ...status }) };
  const d = deps({ containers });
  expect((await checkSystemSection(d, 'paper', 'check-1')).status).toBe('OK');
  status = { ...status, restartCount: 2 };
  const rising = byName(await checkSystemSection(d, 'paper', 'check-2'));
  expect(rising['feed restarts']).toMatchObject({ status: 'WARN', value: 2 });
  const retried = byName(await checkSystemSection(d, 'paper', 'check-2')); // the same check, retried: same answer
  expect(retried['feed restarts']!.status).toBe('WARN');
  expect(JSON.parse(readFileSync(restartCountsFile(dataDir), 'utf8')).feed).toMatchObject({
    count: 2,
    seenBy: 'check-2',
  });
  expect((await checkSystemSection(d, 'paper', 'check-3')).status).toBe('OK');
  status = {
    exists: true,
    id: 'c1',
    running: false,
    state: 'exited',
    health: 'unhealthy',
    restartCount: 2,
    exitCode: 137,
  };
  expect(byName(await checkSystemSection(d, 'paper', 'check-4'))['feed container']).toMatchObject({
    status: 'FAIL',
    value: 'exited',
  });
  const down = deps({
    containers: { status: async () => Promise.reject(new UnreachableError('docker: engine not reachable')) },
  });
  const u = await checkSystemSection(down, 'paper', 'check-5');
  expect(u.items.map((i) => i.status)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
});

test('drift: missing or stale report WARN, PSI over the fail limit FAIL, unapproved retrain FAIL, DB down UNKNOWN', async () => {
  const rows = [
    { feature: 'atr', psi: 0.3, created_at: new Date(), age_hours: '1' },
    { feature: 'ema_fast', psi: 0.02, created_at: new Date(), age_hours: '50' },
    { feature: 'ema_slow', psi: null, created_at: null, age_hours: null },
  ];
  const sql = {
    query: async (db: string) => ({
      rows: db === 'trading' ? rows : [{ run_uuid: 'r-9', name: 'retrain' }],
      rowCount: 1,
    }),
  };
  const s = byName(await checkDriftSection(deps({ sql }), 'paper'));
  expect(s['drift atr PSI']!.status).toBe('FAIL');
  expect(s['drift ema_fast PSI']!.status).toBe('WARN');
  expect(s['drift ema_slow PSI']).toMatchObject({ status: 'WARN', value: null });
  expect(s['retrain runs approved']).toMatchObject({ status: 'FAIL', value: 1 });
  const down = { query: async () => Promise.reject(new UnreachableError('database trading: cannot connect')) };
  const u = await checkDriftSection(deps({ sql: down }), 'paper');
  expect(u.items.map((i) => i.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
});

test('alerts: an open critical alert of this environment is FAIL; silenced ones do not count; unreachable UNKNOWN', async () => {
  const alert = (labels: Record<string, string>, silencedBy: string[] = []): ActiveAlert => ({
    fingerprint: 'f',
    labels,
    annotations: {},
    startsAt: '2026-01-01T00:00:00Z',
    state: 'active',
    silencedBy,
    inhibitedBy: [],
  });
  const list = [
    alert({ alertname: 'FeedStale', severity: 'critical', environment: 'paper', service: 'feed' }),
    alert({ alertname: 'X', severity: 'critical', environment: 'paper' }, ['s1']),
  ];
  const s = await checkAlertsSection(deps({ alerts: { listAlerts: async () => list } }), 'paper');
  expect(s.items[0]).toMatchObject({ status: 'FAIL', value: 1 });
  expect(s.items[0]!.evidence[0]!.response).toContain('FeedStale{service=feed}');
  const u = await checkAlertsSection(
    deps({ alerts: { listAlerts: async () => Promise.reject(new UnreachableError('am down')) } }),
    'paper',
  );
  expect(u.status).toBe('UNKNOWN');
});

test('the Markdown report escapes table cells and shows the fail-safe', () => {
  const md = renderDailyCheckReport({
    environment: 'paper',
    workflowId: 'w1',
    checkedAt: '2026-01-01T00:00:00Z',
    overall: 'FAIL',
    sections: [
      {
        section: 'feed',
        status: 'FAIL',
        durationMs: 3,
        items: [
          {
            name: 'a|b',
            status: 'FAIL',
            value: 1,
            threshold: 'x\ny',
            evidence: [{ source: 'prometheus', call: 'sum(x{a="1"})', response: '`[]`' }],
          },
        ],
      },
    ],
    failSafe: { triggered: true, reason: 'feed is FAIL' },
    haltedBots: [
      {
        service: 'bot_paper',
        workflowId: 'h1',
        result: { service: 'bot_paper', path: 'container-stopped', confirmed: false, detail: 'ignored halt' },
      },
    ],
  });
  expect(md).toContain('| a\\|b | ❌ FAIL | 1 | x y |');
  expect(md).toContain('**Bots halted**: feed is FAIL');
  expect(md).toContain('**bot_paper**: container-stopped — ignored halt');
  expect(md).not.toContain('``');
});
