/**
 * `atc serve`'s HTTP surface: /healthz, /metrics, and the routes later runbooks add (webhooks).
 * One boundary turns thrown errors into responses: HttpError → its status; anything else → 500.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMetrics, httpRequests } from '../observability/serviceMetrics';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  body: unknown; // objects are sent as JSON, strings as text/plain
  contentType?: string;
  headers?: Record<string, string>; // e.g. connection: close after a rejected upload, www-authenticate, retry-after
}
export type Route = (req: http.IncomingMessage) => Promise<HttpResponse>;

export interface ServerOptions {
  host: string;
  port: number;
  health: () => Promise<{ ok: boolean; detail: Record<string, unknown> }>;
  sdkMetricsUrl?: () => string | undefined;
  routes?: Record<string, Route>; // "POST /webhooks/alertmanager" → handler
}

function send(res: http.ServerResponse, r: HttpResponse): void {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, {
    ...r.headers,
    'content-type': r.contentType ?? (typeof r.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json'),
  });
  res.end(text);
}

export function createHttpServer(opts: ServerOptions): http.Server {
  const routes: Record<string, Route> = {
    'GET /healthz': async () => {
      const h = await opts.health();
      return { status: h.ok ? 200 : 503, body: { ok: h.ok, ...h.detail } };
    },
    'GET /metrics': async () => ({
      status: 200,
      body: await renderMetrics(opts.sdkMetricsUrl?.()),
      contentType: 'text/plain; version=0.0.4',
    }),
    ...opts.routes,
  };
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    const route = routes[key];
    const answer = route
      ? route(req)
      : Promise.reject(
          new HttpError(Object.keys(routes).some((k) => k.endsWith(` ${path}`)) ? 405 : 404, `no route ${key}`),
        );
    answer
      .catch((err: unknown) => {
        if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
        return { status: 500, body: { error: 'internal error' } };
      })
      .then((r) => {
        httpRequests.inc({ route: route ? key : 'unmatched', code: String(r.status) });
        send(res, r);
      })
      .catch(() => res.destroy());
  });
}

export async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
