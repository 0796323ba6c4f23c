/**
 * Shared helpers of the simulators: JSON responses, Prometheus text rendering (format 0.0.4) and the
 * common HTTP surface (/healthz, /metrics, /sim/state, /sim/fault, /sim/clear).
 * Runs inside a minimal container: node built-ins only.
 */
import * as http from 'node:http';

export type Behavior = 'normal' | 'breach' | 'unhealthy';

export interface SimEnv {
  kind: string;
  name: string;
  port: number;
  version: string;
  behavior: Behavior;
}

export function readSimEnv(kind: string): SimEnv {
  const port = Number(process.env.SIM_PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
  const behavior = process.env.SIM_BEHAVIOR || 'normal';
  if (behavior !== 'normal' && behavior !== 'breach' && behavior !== 'unhealthy') {
    throw new Error(`SIM_BEHAVIOR must be normal|breach|unhealthy, got ${behavior}`);
  }
  return { kind, name: process.env.SIM_NAME || kind, port, version: process.env.SIM_VERSION || 'dev', behavior };
}

export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: MetricSample[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function renderMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {}).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      lines.push(`${family.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function infoMetric(version: string): MetricFamily {
  return {
    name: 'atc_sim_info',
    help: 'Simulator image version.',
    type: 'gauge',
    samples: [{ labels: { version }, value: 1 }],
  };
}

export interface SimReply {
  status: number;
  json?: unknown;
  text?: string;
  exitAfter?: boolean; // end the process (non-zero) once the reply is sent: the `crash` fault
}

export function jsonReply(status: number, json: unknown): SimReply {
  return { status, json };
}

/** What a simulator plugs into the common server. */
export interface SimHandlers {
  env: SimEnv;
  faultKinds: readonly string[];
  faults: Set<string>;
  metrics(): MetricFamily[];
  state(): Record<string, unknown>;
  /** Extra routes, keyed "METHOD /path"; the body is the parsed JSON ({} when empty). */
  routes?: Record<string, (body: Record<string, unknown>) => SimReply>;
  onFault?(kind: string): void;
  onClear?(): void;
}

class BadJsonError extends Error {}

function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8').trim();
      if (!raw) return resolve({});
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new BadJsonError('body must be a JSON object');
        resolve(parsed as Record<string, unknown>);
      } catch (err) {
        reject(err instanceof BadJsonError ? err : new BadJsonError('body is not valid JSON'));
      }
    });
  });
}

function route(h: SimHandlers, key: string, body: Record<string, unknown>): SimReply {
  const stateReply = (): SimReply => jsonReply(200, h.state());
  switch (key) {
    case 'GET /healthz':
      return h.env.behavior === 'unhealthy'
        ? jsonReply(503, { ok: false, reason: 'SIM_BEHAVIOR=unhealthy' })
        : jsonReply(200, { ok: true });
    case 'GET /metrics':
      return { status: 200, text: renderMetrics([infoMetric(h.env.version), ...h.metrics()]) };
    case 'GET /sim/state':
      return stateReply();
    case 'POST /sim/clear':
      h.faults.clear();
      h.onClear?.();
      return stateReply();
    case 'POST /sim/fault': {
      const kind = body.kind;
      if (typeof kind !== 'string' || !h.faultKinds.includes(kind)) {
        return jsonReply(400, {
          error: `unknown fault kind ${JSON.stringify(kind)}; allowed: ${h.faultKinds.join(', ')}`,
        });
      }
      h.faults.add(kind);
      h.onFault?.(kind);
      return { ...stateReply(), exitAfter: kind === 'crash' };
    }
  }
  const handler = h.routes?.[key];
  return handler ? handler(body) : jsonReply(404, { error: `no route ${key}` });
}

function send(res: http.ServerResponse, reply: SimReply): void {
  const isText = reply.text !== undefined;
  const payload = isText ? (reply.text ?? '') : JSON.stringify(reply.json ?? {});
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(reply.exitAfter ? { connection: 'close' } : {}),
  });
  res.end(payload, () => {
    if (reply.exitAfter) setTimeout(() => process.exit(1), 50);
  });
}

export function serveSim(h: SimHandlers): http.Server {
  const server = http.createServer((req, res) => {
    const key = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
    readJsonBody(req)
      .then((body) => send(res, route(h, key, body)))
      .catch((err: unknown) =>
        send(res, jsonReply(err instanceof BadJsonError ? 400 : 500, { error: String((err as Error).message) })),
      );
  });
  server.listen(h.env.port, '127.0.0.1');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
  return server;
}
