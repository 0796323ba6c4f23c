/** src/integrations/prometheus.ts and alertmanager.ts against a Prometheus and an Alertmanager started for this file. No mocks. */
import { PermanentError, UnreachableError } from '../../src/errors';
import { createAlertmanagerClient } from '../../src/integrations/alertmanager';
import { createPrometheusClient } from '../../src/integrations/prometheus';
import { type Service, freePort, startAlertmanager, startPrometheus } from './support/services';
import { waitFor } from '../support/waitFor';

jest.setTimeout(60_000);

let prom: Service, am: Service;
let closedPort: number;

beforeAll(async () => {
  closedPort = await freePort(); // nothing listens there
  [prom, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
}, 180_000);
afterAll(async () => Promise.allSettled([prom, am].filter(Boolean).map((s) => s.stop())), 120_000);

describe('prometheus', () => {
  const client = () => createPrometheusClient(prom.url);

  test('an instant vector query returns samples with labels once Prometheus has scraped itself', async () => {
    await waitFor('first scrape', async () => (await client().query('up{job="prometheus"}')).samples.length === 1);
    const result = await client().query('up{job="prometheus"}');
    expect(result.query).toBe('up{job="prometheus"}');
    expect(result.samples).toEqual([
      { labels: expect.objectContaining({ job: 'prometheus', instance: new URL(prom.url).host }), value: 1 },
    ]);
  });

  test('scalars, NaN and +Inf are parsed', async () => {
    expect((await client().query('1 + 1')).samples).toEqual([{ labels: {}, value: 2 }]);
    expect((await client().query('NaN')).samples[0]!.value).toBeNaN();
    expect((await client().query('vector(1) / 0')).samples[0]!.value).toBe(Infinity);
  });

  test('an empty result is success with no samples', async () => {
    expect(await client().query('up{job="no-such-job"}')).toEqual({ query: 'up{job="no-such-job"}', samples: [] });
  });

  test('a bad query is a PermanentError carrying the message of Prometheus', async () => {
    const err = await client()
      .query('up{')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/bad_data.*parse error/);
  });

  test('targets, filtered by job, and the build version', async () => {
    await waitFor('target up', async () => (await client().targets('prometheus'))[0]?.health === 'up');
    const [target] = await client().targets('prometheus');
    expect(target).toMatchObject({ job: 'prometheus', instance: new URL(prom.url).host, health: 'up', lastError: '' });
    expect(Date.parse(target!.lastScrape)).toBeGreaterThan(Date.now() - 60_000);
    expect(await client().targets('other')).toEqual([]);
    expect(await client().buildVersion()).toMatch(/^2\.\d+\.\d+/);
  });

  test('a server that is not there is UnreachableError', async () => {
    await expect(createPrometheusClient(`http://127.0.0.1:${closedPort}`).query('up')).rejects.toBeInstanceOf(
      UnreachableError,
    );
  });
});

describe('alertmanager', () => {
  const client = () => createAlertmanagerClient(am.url);
  const filter = ['alertname="AtcIntegrationTest"'];

  test('an alert is listed, silenced (silencedBy), and the silence expires idempotently', async () => {
    const alert = {
      labels: { alertname: 'AtcIntegrationTest', severity: 'critical', service: 'feed' },
      annotations: { summary: 'test' },
    };
    const posted = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(posted.status).toBe(200);
    await waitFor('alert listed', async () => (await client().listAlerts({ filter })).length === 1);
    const [listed] = await client().listAlerts({ filter });
    expect(listed).toMatchObject({
      labels: alert.labels,
      annotations: alert.annotations,
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
    });
    expect(listed!.fingerprint).toMatch(/^[0-9a-f]+$/);
    expect(await client().listAlerts({ filter: ['alertname="Other"'] })).toEqual([]);

    const now = Date.now();
    const id = await client().createSilence({
      matchers: [{ name: 'alertname', value: 'AtcIntegrationTest', isRegex: false, isEqual: true }],
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'it',
      comment: 'integration test',
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [silenced] = await client().listAlerts({ filter });
    expect(silenced).toMatchObject({ state: 'suppressed', silencedBy: [id] });
    expect(await client().listAlerts({ filter, silenced: false })).toEqual([]);

    await client().expireSilence(id);
    await client().expireSilence(id); // already expired: Alertmanager answers 500, which counts as done
    await client().expireSilence('00000000-0000-4000-8000-000000000000'); // unknown: 404
    await waitFor('unsilenced', async () => (await client().listAlerts({ filter }))[0]?.state === 'active');
    expect(await client().version()).toMatch(/^0\.\d+\.\d+/);
  });

  test('a server that is not there is UnreachableError', async () => {
    await expect(createAlertmanagerClient(`http://127.0.0.1:${closedPort}`).version()).rejects.toBeInstanceOf(
      UnreachableError,
    );
  });
});
