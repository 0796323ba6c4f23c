/** src/integrations/* against real services started for this file (see support/services.ts). No mocks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { BadInputError, PermanentError, TransientError, UnreachableError } from '../../src/errors';
import { createAlertmanagerClient } from '../../src/integrations/alertmanager';
import { createBotControl } from '../../src/integrations/botControl';
import { createDockerRuntime } from '../../src/integrations/docker';
import { createNotifier } from '../../src/integrations/notifier';
import { createSqlDatabases } from '../../src/integrations/postgres';
import { createPrometheusClient } from '../../src/integrations/prometheus';
import {
  DockerService, PostgresService, Service, freePort, importSleeperImage,
  startAlertmanager, startDockerd, startPostgres, startPrometheus, waitFor,
} from './support/services';

jest.setTimeout(60_000);

let prom: Service, am: Service, pg: PostgresService, dockerd: DockerService;
let closedPort: number;
const started: Service[] = [];

/** A bot implementing the control contract, plus /hook (a webhook receiver). `mode` injects faults. */
const bot = { newOrdersEnabled: true, openOrders: 2, mode: 'paper', reasons: [] as string[], fault: '' as '' | 'malformed' | 'error' | 'slow' };
const hooks: { auth?: string; body: unknown }[] = [];
let hookStatus = 200;
const botServer = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.url === '/hook') {
      hooks.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      return send(hookStatus, hookStatus === 200 ? { ok: true } : { error: 'rejected' });
    }
    if (bot.fault === 'error') return send(500, { error: 'boom' });
    if (bot.fault === 'slow') return void setTimeout(() => send(200, {}), 1000);
    if (req.method === 'GET' && req.url === '/control/state') {
      const { newOrdersEnabled, openOrders, mode } = bot;
      return send(200, bot.fault === 'malformed' ? { newOrdersEnabled: 'yes', mode } : { newOrdersEnabled, openOrders, mode });
    }
    if (req.method === 'POST' && req.url === '/control/halt') {
      bot.reasons.push((JSON.parse(body) as { reason: string }).reason);
      bot.newOrdersEnabled = false;
      return send(200, { newOrdersEnabled: false });
    }
    if (req.method === 'POST' && req.url === '/control/resume') {
      bot.newOrdersEnabled = true;
      return void res.writeHead(204).end();
    }
    send(404, { error: 'not found' });
  });
});
let botUrl = '';

beforeAll(async () => {
  closedPort = await freePort(); // nothing listens there
  const results = await Promise.allSettled([startPrometheus(), startAlertmanager(), startPostgres(), startDockerd()]);
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  [prom, am] = started as [Service, Service];
  pg = started[2] as PostgresService;
  dockerd = started[3] as DockerService;
  await new Promise<void>((r) => botServer.listen(0, '127.0.0.1', r));
  botUrl = `http://127.0.0.1:${(botServer.address() as { port: number }).port}`;
}, 180_000);

afterAll(async () => {
  botServer.close();
  await Promise.allSettled(started.map((s) => s.stop()));
}, 120_000);

describe('prometheus', () => {
  const client = () => createPrometheusClient(prom.url);

  test('an instant vector query returns samples with labels once Prometheus has scraped itself', async () => {
    await waitFor('first scrape', async () => (await client().query('up{job="prometheus"}')).samples.length === 1);
    const result = await client().query('up{job="prometheus"}');
    expect(result.query).toBe('up{job="prometheus"}');
    expect(result.samples).toEqual([{ labels: expect.objectContaining({ job: 'prometheus', instance: new URL(prom.url).host }), value: 1 }]);
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
    const err = await client().query('up{').catch((e: unknown) => e);
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
    await expect(createPrometheusClient(`http://127.0.0.1:${closedPort}`).query('up')).rejects.toBeInstanceOf(UnreachableError);
  });
});

describe('alertmanager', () => {
  const client = () => createAlertmanagerClient(am.url);
  const filter = ['alertname="AtcIntegrationTest"'];

  test('an alert is listed, silenced (silencedBy), and the silence expires idempotently', async () => {
    const alert = { labels: { alertname: 'AtcIntegrationTest', severity: 'critical', service: 'feed' }, annotations: { summary: 'test' } };
    const posted = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) });
    expect(posted.status).toBe(200);
    await waitFor('alert listed', async () => (await client().listAlerts({ filter })).length === 1);
    const [listed] = await client().listAlerts({ filter });
    expect(listed).toMatchObject({ labels: alert.labels, annotations: alert.annotations, state: 'active', silencedBy: [], inhibitedBy: [] });
    expect(listed!.fingerprint).toMatch(/^[0-9a-f]+$/);
    expect(await client().listAlerts({ filter: ['alertname="Other"'] })).toEqual([]);

    const now = Date.now();
    const id = await client().createSilence({
      matchers: [{ name: 'alertname', value: 'AtcIntegrationTest', isRegex: false, isEqual: true }],
      startsAt: new Date(now - 1000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(), createdBy: 'it', comment: 'integration test',
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
    await expect(createAlertmanagerClient(`http://127.0.0.1:${closedPort}`).version()).rejects.toBeInstanceOf(UnreachableError);
  });
});

describe('postgres', () => {
  const config = (port: number) => ({
    main: { host: '127.0.0.1', port, user: pg.user, database: 'postgres', password: { file: pg.passwordFile }, protected: false },
  });

  test('queries with parameters, the server version, and close()', async () => {
    const sql = createSqlDatabases(config(pg.port));
    try {
      expect(await sql.query('main', 'SELECT $1::int + 1 AS n, current_user AS who', [41])).toEqual({ rows: [{ n: 42, who: 'postgres' }], rowCount: 1 });
      await sql.query('main', 'CREATE TABLE IF NOT EXISTS t (x int)');
      expect((await sql.query('main', 'INSERT INTO t SELECT generate_series(1, 3)')).rowCount).toBe(3);
      expect(await sql.serverVersion('main')).toMatch(/^15\.\d+/);
    } finally {
      await sql.close();
    }
  });

  test('an unknown database name is BadInputError; a closed port is UnreachableError; an unreadable secret is PermanentError', async () => {
    const sql = createSqlDatabases(config(closedPort));
    await expect(sql.query('nope', 'SELECT 1')).rejects.toBeInstanceOf(BadInputError);
    await expect(sql.query('main', 'SELECT 1')).rejects.toBeInstanceOf(UnreachableError);
    await sql.close();
    const noSecret = createSqlDatabases({ main: { ...config(pg.port).main, password: { file: '/nonexistent/atc-it-password' } } });
    await expect(noSecret.query('main', 'SELECT 1')).rejects.toThrow(new PermanentError(`database main (postgres at 127.0.0.1:${pg.port}): cannot read its password (ENOENT)`));
  });

  test('bad SQL and a wrong password are PermanentErrors with the SQLSTATE and without the password', async () => {
    const password = readFileSync(pg.passwordFile, 'utf8').trim();
    const sql = createSqlDatabases(config(pg.port));
    const bad = (await sql.query('main', 'SELEC 1').catch((e: unknown) => e)) as Error;
    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad.message).toMatch(/syntax error.*SQLSTATE 42601/);
    expect(bad.message).not.toContain(password);
    await sql.close();
    process.env.ATC_IT_WRONG_PASSWORD = 'wrong-secret-value';
    const wrong = createSqlDatabases({ main: { ...config(pg.port).main, password: { env: 'ATC_IT_WRONG_PASSWORD' } } });
    const denied = (await wrong.query('main', 'SELECT 1').catch((e: unknown) => e)) as Error;
    expect(denied).toBeInstanceOf(PermanentError);
    expect(denied.message).toMatch(/password authentication failed.*28P01/);
    expect(denied.message).not.toContain('wrong-secret-value');
    await wrong.close();
  });
});

describe('bot control', () => {
  const bots = createBotControl();
  afterEach(() => void (bot.fault = ''));

  test('state, halt with a reason, resume', async () => {
    expect(await bots.state(botUrl)).toEqual({ newOrdersEnabled: true, openOrders: 2, mode: 'paper' });
    await bots.halt(`${botUrl}/`, 'feed FAIL');
    expect(bot.reasons).toEqual(['feed FAIL']);
    expect((await bots.state(botUrl)).newOrdersEnabled).toBe(false);
    await bots.resume(botUrl); // 204, empty body
    expect((await bots.state(botUrl)).newOrdersEnabled).toBe(true);
  });

  test('a malformed state is PermanentError; 5xx is TransientError; no answer in time is UnreachableError; a bad URL is BadInputError', async () => {
    bot.fault = 'malformed';
    await expect(bots.state(botUrl)).rejects.toThrow(new PermanentError(`GET ${botUrl}/control/state: malformed bot state (newOrdersEnabled is not a boolean, openOrders is not a number): {"newOrdersEnabled":"yes","mode":"paper"}`));
    bot.fault = 'error';
    await expect(bots.halt(botUrl, 'x')).rejects.toBeInstanceOf(TransientError);
    bot.fault = 'slow';
    await expect(createBotControl(200).state(botUrl)).rejects.toThrow(UnreachableError);
    await expect(bots.state(`http://127.0.0.1:${closedPort}`)).rejects.toBeInstanceOf(UnreachableError);
    await expect(bots.state('not a url')).rejects.toBeInstanceOf(BadInputError);
  });
});

describe('notifier', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atc-it-notify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const n = { severity: 'critical' as const, title: 'Feed down', text: 'no bars for 60 s', runbook: 'incident', environment: 'paper' };

  test('file and log channels write one JSON line per notification; a webhook gets the bearer token', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'notify.jsonl');
    writeFileSync(path.join(dir, 'token'), 'hook-secret\n');
    const logged: string[] = [];
    const notifier = createNotifier([{ type: 'file', path: file }, { type: 'log' }, { type: 'webhook', url: `${botUrl}/hook`, token: { file: path.join(dir, 'token') } }], (l) => logged.push(l));
    await notifier.notify(n);
    await notifier.notify({ ...n, severity: 'info', title: 'Feed back' });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([{ ts: expect.any(String), ...n }, { ts: expect.any(String), ...n, severity: 'info', title: 'Feed back' }]);
    expect(logged.map((l) => JSON.parse(l))).toEqual(lines);
    expect(hooks.slice(-2)).toEqual(lines.map((body) => ({ auth: 'Bearer hook-secret', body })));
  });

  test('failing webhooks do not stop the file channel; the error names them without the token', async () => {
    const file = path.join(dir, 'failing.jsonl');
    hookStatus = 401;
    const notifier = createNotifier([
      { type: 'webhook', url: `http://127.0.0.1:${closedPort}/secret-path` },
      { type: 'file', path: file },
      { type: 'webhook', url: `${botUrl}/hook`, token: { file: path.join(dir, 'token') } },
    ]);
    const err = (await notifier.notify(n).catch((e: unknown) => e)) as Error;
    hookStatus = 200;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(new RegExp(`failed on 2 of 3 channels: #0 webhook 127.0.0.1:${closedPort}: cannot connect.*#2 webhook 127.0.0.1:\\d+: HTTP 401`));
    expect(err.message).not.toMatch(/secret/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject(n);
  });
});

describe('docker', () => {
  const rt = () => createDockerRuntime(dockerd.socketPath);

  test('ping, a missing container, a missing image, and an engine that is not there', async () => {
    expect(await rt().ping()).toMatch(/^\d+\.\d+/);
    expect(await rt().status('atc-it-missing')).toEqual({ exists: false, running: false, name: 'atc-it-missing' });
    expect(await rt().inspect('atc-it-missing')).toBeUndefined();
    expect(await rt().imageExists('atc-it/none:1')).toBe(false);
    expect(await rt().imageId('atc-it/none:1')).toBeUndefined();
    expect(await rt().listContainers({ label: 'atc.it=none' })).toEqual([]);
    await rt().remove('atc-it-missing'); // missing = success
    await expect(rt().start('atc-it-missing')).rejects.toBeInstanceOf(PermanentError);
    await expect(createDockerRuntime(path.join(dockerd.dir, 'nope.sock')).ping()).rejects.toBeInstanceOf(UnreachableError);
  });

  test('container lifecycle and re-creation from inspect (needs gcc -static to build an image)', async () => {
    const docker = new Docker({ socketPath: dockerd.socketPath });
    await importSleeperImage(docker, 'atc-it/sleeper', ['1', '2']); // gcc -static: installed by scripts/install-deps.sh
    await lifecycle(docker);
  }, 120_000);
});

async function lifecycle(docker: Docker): Promise<void> {
  const r = createDockerRuntime(dockerd.socketPath);
  expect(await r.imageExists('atc-it/sleeper:1')).toBe(true);
  for (const name of ['atc-it-a', 'atc-it-b']) await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true });
  await docker.createContainer({
    name: 'atc-it-app', Image: 'atc-it/sleeper:1', Cmd: ['/sleeper'], Env: ['FEED_URL=http://feed'], Labels: { 'atc.it': '1' }, WorkingDir: '/tmp',
    Healthcheck: { Test: ['CMD', '/sleeper', 'check'], Interval: 500_000_000, Timeout: 1e9, Retries: 3 },
    HostConfig: { NetworkMode: 'atc-it-a', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 }, ExtraHosts: ['feed.local:127.0.0.1'], Binds: [`${dockerd.dir}:/host:ro`] },
    NetworkingConfig: { EndpointsConfig: { 'atc-it-a': { Aliases: ['app'] } } },
  });
  await docker.getNetwork('atc-it-b').connect({ Container: 'atc-it-app', EndpointConfig: { Aliases: ['app-b'] } });
  expect(await r.listContainers({ label: 'atc.it=1' })).toEqual([expect.objectContaining({ name: 'atc-it-app', image: 'atc-it/sleeper:1', state: 'created' })]);
  await r.start('atc-it-app');
  await r.start('atc-it-app'); // 304: already started
  await waitFor('healthy', async () => (await r.status('atc-it-app')).health === 'healthy', 20_000);
  expect(await r.status('atc-it-app')).toMatchObject({ exists: true, running: true, state: 'running', image: 'atc-it/sleeper:1', imageId: await r.imageId('atc-it/sleeper:1'), restartCount: 0 });
  await r.stop('atc-it-app', 2);
  await r.stop('atc-it-app', 2); // 304: already stopped
  expect(await r.status('atc-it-app')).toMatchObject({ running: false, state: 'exited', exitCode: 0 });
  await r.restart('atc-it-app', 2);
  expect((await r.status('atc-it-app')).running).toBe(true);

  await r.rename('atc-it-app', 'atc-it-app-prev');
  await r.rename('atc-it-app', 'atc-it-app-prev'); // a retry after success
  await expect(r.rename('atc-it-none', 'atc-it-none2')).rejects.toBeInstanceOf(PermanentError);
  expect((await r.status('atc-it-app')).exists).toBe(false);
  const old = (await r.inspect('atc-it-app-prev'))!;
  await r.stop('atc-it-app-prev', 2);
  const id = await r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:2' });
  expect(await r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:2' })).toBe(id); // a retry
  await expect(r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:1' })).rejects.toBeInstanceOf(PermanentError);
  const made = (await r.inspect('atc-it-app'))!;
  expect(made.Id).toBe(id);
  expect(made.Config).toMatchObject({ Image: 'atc-it/sleeper:2', Cmd: ['/sleeper'], WorkingDir: '/tmp', Labels: { 'atc.it': '1' }, Healthcheck: old.Config.Healthcheck });
  expect(made.Config.Env).toContain('FEED_URL=http://feed');
  expect(made.HostConfig).toMatchObject({ NetworkMode: 'atc-it-a', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 }, ExtraHosts: ['feed.local:127.0.0.1'], Binds: [`${dockerd.dir}:/host:ro`] });
  await r.start('atc-it-app');
  const nets = (await r.inspect('atc-it-app'))!.NetworkSettings.Networks;
  expect(Object.keys(nets).sort()).toEqual(['atc-it-a', 'atc-it-b']);
  expect(nets['atc-it-a']!.Aliases).toContain('app');
  expect(nets['atc-it-b']!.Aliases).toContain('app-b');
  expect(await r.status('atc-it-app')).toMatchObject({ running: true, image: 'atc-it/sleeper:2' });

  for (const name of ['atc-it-app-prev', 'atc-it-app']) await r.remove(name, { force: true });
  await r.remove('atc-it-app-prev');
  expect(await r.listContainers({ label: 'atc.it=1' })).toEqual([]);
  for (const name of ['atc-it-a', 'atc-it-b']) await docker.getNetwork(name).remove();
}
