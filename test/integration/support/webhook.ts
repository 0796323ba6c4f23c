/** Shared by the webhook tests: the rig service's port and token, an Alertmanager-shaped notification, a raw POST, a metric read. */
import { readFileSync } from 'node:fs';
import { rigState } from '../../support/rig';
import { rawRequest } from './rawHttp';

export const state = rigState();
export const token = readFileSync(state.tokenFile, 'utf8').trim();
export const servicePort = state.ports.service;
export const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

export function notification(
  groupKey: string,
  alertname: string,
  alerts: number,
  status: 'firing' | 'resolved' = 'firing',
  over: Record<string, unknown> = {},
) {
  return {
    receiver: 'atc-ops',
    status,
    groupKey,
    version: '4',
    truncatedAlerts: 0,
    externalURL: 'http://am.example',
    groupLabels: { alertname },
    commonLabels: { alertname },
    commonAnnotations: {},
    newerAlertmanagerField: { ignored: true },
    alerts: Array.from({ length: alerts }, (_, i) => ({
      status,
      fingerprint: `${alertname.length.toString(16)}0${i}`.padEnd(16, 'a'),
      startsAt: '2026-01-01T00:00:00.123456789Z',
      endsAt: status === 'resolved' ? '2026-01-01T00:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph',
      labels: { alertname, environment: 'dev', severity: 'warning', service: `svc${i}` },
      annotations: { summary: `${alertname} ${i}` },
      extraField: 1,
    })),
    ...over,
  };
}
export const post = (body: unknown, port = servicePort) =>
  rawRequest({ port, headers: auth, body: JSON.stringify(body) });

export async function metric(port: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
