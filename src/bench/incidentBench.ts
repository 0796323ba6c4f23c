/** Shared pieces of the incident benchmark: the rig, webhook posts, percentiles. */
import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { loadConfig, readSecret, type AtcConfig } from '../config';
import { readRigState, type RigState } from '../client/rig/state';
import { incidentQuery, type IncidentView } from '../runbooks/incident/contract';

export interface Rig {
  state: RigState;
  config: AtcConfig;
  token: string;
}
export function rig(): Rig {
  const state = readRigState();
  if (!state) throw new Error('no rig: run `node bin/atc rig up` first (with the same ATC_HOME)');
  const config = loadConfig(state.configPath);
  const token = readSecret(config.server.webhookToken) ?? readFileSync(state.tokenFile, 'utf8').trim();
  return { state, config, token };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs JSON on a keep-alive connection; returns status, parsed body and the time to the answer. */
export function postJson(
  port: number,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; ms: number }> {
  const data = Buffer.from(JSON.stringify(body));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function getJson<T>(url: string): Promise<T> {
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).json() as Promise<T>;
}

export async function view(client: Client, id: string): Promise<IncidentView | undefined> {
  return client.workflow
    .getHandle(id)
    .query(incidentQuery)
    .catch(() => undefined);
}

export function notification(
  groupKey: string,
  alerts: { fingerprint: string; labels: Record<string, string>; status?: 'firing' | 'resolved' }[],
  startsAt: string,
) {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey,
    status,
    receiver: 'bench',
    groupLabels: { alertname: alerts[0]!.labels.alertname! },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://bench',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: { summary: 'benchmark alert' },
      startsAt,
      endsAt: a.status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: 'http://bench',
    })),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
