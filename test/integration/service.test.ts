/** `atc serve`: /healthz, /metrics with the service's and the Temporal SDK's metrics, scraped by Prometheus; SIGTERM. */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { spawnService } from '../support/cli';
import { rigState } from '../support/rig';

const service = () => `http://127.0.0.1:${rigState().ports.service}`;

test('/healthz answers 200 while the worker runs; unknown routes 404, wrong method 405', async () => {
  const res = await fetch(`${service()}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, worker: 'running', taskQueue: 'atc-ops' });
  expect((await fetch(`${service()}/nope`)).status).toBe(404);
  expect((await fetch(`${service()}/healthz`, { method: 'POST' })).status).toBe(405);
});

test('/metrics has the service metrics and the Temporal SDK worker metrics, and Prometheus scrapes it', async () => {
  const text = await (await fetch(`${service()}/metrics`)).text();
  expect(text).toMatch(/^atc_ops_worker_running 1$/m);
  expect(text).toMatch(/^temporal_[a-z_]+(\{|\s)/m);
  const q = new URL(`http://127.0.0.1:${rigState().ports.prometheus}/api/v1/query`);
  q.searchParams.set('query', 'up{job="atc_ops"}');
  let value = '';
  for (let i = 0; i < 30 && value !== '1'; i++) {
    const body = (await (await fetch(q)).json()) as { data: { result: { value: [number, string] }[] } };
    value = body.data.result[0]?.value[1] ?? '';
    if (value !== '1') await new Promise((r) => setTimeout(r, 500));
  }
  expect(value).toBe('1');
});

test('SIGTERM: the service stops serving, drains its worker and exits 0', async () => {
  const state = rigState();
  const config = parse(readFileSync(state.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  config.temporal!.taskQueue = `sigterm-${Date.now()}`;
  config.server!.port = 0;
  const file = path.join(state.dir, 'config-sigterm.yaml');
  writeFileSync(file, stringify(config));
  let log = '';
  const child = spawnService(file, (c) => (log += c));
  for (let i = 0; i < 100 && !log.includes('serving on'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(log).toContain('serving on');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(log).toContain('shutting down');
});
