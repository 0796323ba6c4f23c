/** src/integrations/botControl.ts and notifier.ts against an HTTP server of this file (the bot control contract and a webhook receiver). No mocks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSecret } from '../../src/config';
import { BadInputError, PermanentError, TransientError, UnreachableError } from '../../src/errors';
import { createBotControl } from '../../src/integrations/botControl';
import { createNotifier } from '../../src/integrations/notifier';
import { freePort } from './support/services';

jest.setTimeout(60_000);

let closedPort: number;

/** A bot implementing the control contract, plus /hook (a webhook receiver). `mode` injects faults. */
const bot = {
  newOrdersEnabled: true,
  openOrders: 2,
  mode: 'paper',
  reasons: [] as string[],
  fault: '' as '' | 'malformed' | 'error' | 'slow',
};
const hooks: { auth?: string; body: unknown }[] = [];
let hookStatus = 200;
const botServer = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const send = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.url === '/hook') {
      hooks.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      return send(hookStatus, hookStatus === 200 ? { ok: true } : { error: 'rejected' });
    }
    if (bot.fault === 'error') return send(500, { error: 'boom' });
    if (bot.fault === 'slow') return void setTimeout(() => send(200, {}), 1000);
    if (req.method === 'GET' && req.url === '/control/state') {
      const { newOrdersEnabled, openOrders, mode } = bot;
      return send(
        200,
        bot.fault === 'malformed' ? { newOrdersEnabled: 'yes', mode } : { newOrdersEnabled, openOrders, mode },
      );
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
  await new Promise<void>((r) => botServer.listen(0, '127.0.0.1', r));
  botUrl = `http://127.0.0.1:${(botServer.address() as { port: number }).port}`;
});
afterAll(() => void botServer.close());

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
    await expect(bots.state(botUrl)).rejects.toThrow(
      new PermanentError(
        `GET ${botUrl}/control/state: malformed bot state (newOrdersEnabled is not a boolean, openOrders is not a number): {"newOrdersEnabled":"yes","mode":"paper"}`,
      ),
    );
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
  const n = {
    severity: 'critical' as const,
    title: 'Feed down',
    text: 'no bars for 60 s',
    runbook: 'incident',
    environment: 'paper',
  };

  test('file and log channels write one JSON line per notification; a webhook gets the bearer token', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'notify.jsonl');
    writeFileSync(path.join(dir, 'token'), 'hook-secret\n');
    const logged: string[] = [];
    const notifier = createNotifier(
      [
        { type: 'file', path: file },
        { type: 'log' },
        { type: 'webhook', url: `${botUrl}/hook`, token: { file: path.join(dir, 'token') } },
      ],
      readSecret,
      (l) => logged.push(l),
    );
    await notifier.notify(n);
    await notifier.notify({ ...n, severity: 'info', title: 'Feed back' });
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { ts: expect.any(String), ...n },
      { ts: expect.any(String), ...n, severity: 'info', title: 'Feed back' },
    ]);
    expect(logged.map((l) => JSON.parse(l))).toEqual(lines);
    expect(hooks.slice(-2)).toEqual(lines.map((body) => ({ auth: 'Bearer hook-secret', body })));
  });

  test('failing webhooks do not stop the file channel; the error names them without the token', async () => {
    const file = path.join(dir, 'failing.jsonl');
    hookStatus = 401;
    const notifier = createNotifier(
      [
        { type: 'webhook', url: `http://127.0.0.1:${closedPort}/secret-path` },
        { type: 'file', path: file },
        { type: 'webhook', url: `${botUrl}/hook`, token: { file: path.join(dir, 'token') } },
      ],
      readSecret,
    );
    const err = (await notifier.notify(n).catch((e: unknown) => e)) as Error;
    hookStatus = 200;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(
      new RegExp(
        `failed on 2 of 3 channels: #0 webhook 127.0.0.1:${closedPort}: cannot connect.*#2 webhook 127.0.0.1:\\d+: HTTP 401`,
      ),
    );
    expect(err.message).not.toMatch(/secret/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject(n);
  });
});
