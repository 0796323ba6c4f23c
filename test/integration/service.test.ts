/** `atc serve`: /healthz, /metrics with the service's and the Temporal SDK's metrics, scraped by Prometheus; SIGTERM. */
import { serviceConfigFor, startService } from '../support/cli';
import { rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

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
  const value = await waitFor(
    'atc_ops scraped and up',
    async () => {
      const body = (await (await fetch(q)).json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1] === '1' && body.data.result[0].value[1];
    },
    { timeoutMs: 15_000 },
  );
  expect(value).toBe('1');
});

test('SIGTERM: the service stops serving, drains its worker and exits 0', async () => {
  let log = '';
  const child = await startService(serviceConfigFor(`sigterm-${Date.now()}`), { onLog: (c) => (log += c) });
  expect(log).toContain('serving on');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(log).toContain('shutting down');
});
