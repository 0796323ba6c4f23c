/**
 * The Alertmanager webhook of the rig's service: duplicates land in one incident; malformed, truncated, oversized,
 * wrong-type and unauthenticated requests get their 4xx and start nothing. (Temporal unreachable: webhookRetry.)
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { incidentBaseId } from '../../src/client/webhook/payload';
import type { IncidentResult } from '../../src/runbooks/incident/contract';
import { closeOpenIncidents, waitIncident, withRigClient } from '../support/incidents';
import { rawRequest, type RawRequest } from './support/rawHttp';
import { auth, metric, notification, post, servicePort, token } from './support/webhook';

afterAll(async () => closeOpenIncidents({ environment: 'dev', waitMs: 5000 })); // whatever a failed assertion left open

test('the same notification posted 50 times (concurrently) → exactly one incident, every alert recorded once', async () => {
  const alertname = `WebhookDup${Date.now()}`;
  const groupKey = `{}:{alertname="${alertname}"}`;
  const body = notification(groupKey, alertname, 3);
  const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));
  expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
  const ids = new Set(
    answers.map((a) => (JSON.parse(a.text) as { incidents: { workflowId: string }[] }).incidents[0]!.workflowId),
  );
  expect([...ids]).toEqual([incidentBaseId(groupKey, 'dev')]);
  await withRigClient(async (client) => {
    const id = [...ids][0]!;
    const v = await waitIncident(client, id, (x) => x.notifications.received === 50);
    expect(v.alerts.map((a) => a.service).sort()).toEqual(['svc0', 'svc1', 'svc2']);
    expect(v.notifications.duplicates).toBe(49);
    expect(v.timeline.filter((e) => e.kind === 'alert')).toHaveLength(1);
    const resolved = await post(notification(groupKey, alertname, 3, 'resolved'));
    expect(resolved.status).toBe(200);
    const result = (await client.workflow.getHandle(id).result()) as IncidentResult;
    expect(result).toMatchObject({ status: 'closed', alertCount: 3, firing: 0 });
    const again = await post(notification(groupKey, alertname, 3, 'resolved')); // a late copy: the closed incident is not reopened
    expect(JSON.parse(again.text)).toMatchObject({ incidents: [{ workflowId: id, outcome: 'ignored-closed' }] });
  });
});

describe('malformed requests', () => {
  const groupKey = `{}:{alertname="WebhookMalformed-${randomUUID()}"}`;
  const valid = notification(groupKey, 'WebhookMalformed', 2);
  const text = JSON.stringify(valid);
  const withAlert = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...valid, alerts: [{ ...valid.alerts[0], ...patch }] });
  const without = (key: string) => JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)));
  const alertWithout = (key: string) =>
    JSON.stringify({
      ...valid,
      alerts: [Object.fromEntries(Object.entries(valid.alerts[0]!).filter(([k]) => k !== key))],
    });
  const limit = 1_048_576;
  type Case = [name: string, status: number, req: Omit<RawRequest, 'port'>];
  const h = (headers: Record<string, string>, body: string | Buffer = text): Omit<RawRequest, 'port'> => ({
    headers,
    body,
  });
  const cases: Case[] = [
    ['no authorization header', 401, h({ 'content-type': 'application/json' })],
    ['wrong token', 401, h({ ...auth, authorization: 'Bearer wrong-token' })],
    ['empty bearer', 401, h({ ...auth, authorization: 'Bearer ' })],
    ['scheme only', 401, h({ ...auth, authorization: 'Bearer' })],
    [
      'basic auth with the token',
      401,
      h({ ...auth, authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }),
    ],
    ['token without scheme', 401, h({ ...auth, authorization: token })],
    ['token with a suffix', 401, h({ ...auth, authorization: `Bearer ${token}x` })],
    ['token prefix only', 401, h({ ...auth, authorization: `Bearer ${token.slice(0, -1)}` })],
    ['two tokens', 401, h({ ...auth, authorization: `Bearer ${token} ${token}` })],
    ['unauthenticated garbage', 401, h({ 'content-type': 'application/json' }, '{{{')],
    [
      'unauthenticated oversized',
      401,
      {
        headers: { 'content-type': 'application/json', 'content-length': String(limit * 8) },
        chunks: { size: 65536, count: 128 },
      },
    ],
    ['no content type', 415, h({ authorization: auth.authorization })],
    ['text/plain', 415, h({ ...auth, 'content-type': 'text/plain' })],
    ['form encoded', 415, h({ ...auth, 'content-type': 'application/x-www-form-urlencoded' })],
    ['multipart', 415, h({ ...auth, 'content-type': 'multipart/form-data; boundary=x' })],
    ['application/jsonx', 415, h({ ...auth, 'content-type': 'application/jsonx' })],
    [
      'declared over the limit',
      413,
      { headers: { ...auth, 'content-length': String(65536 * 17) }, chunks: { size: 65536, count: 17 } },
    ],
    [
      'declared far over the limit (64 MiB), nothing sent',
      413,
      { headers: { ...auth, 'content-length': String(64 * limit) }, chunks: { size: 65536, count: 0 } },
    ],
    [
      'chunked over the limit',
      413,
      { headers: { ...auth, 'transfer-encoding': 'chunked' }, chunks: { size: 65536, count: 64 } },
    ],
    ['valid JSON padded over the limit', 413, h(auth, JSON.stringify({ ...valid, pad: 'x'.repeat(limit) }))],
    ['empty body', 400, h(auth, '')],
    ['just a brace', 400, h(auth, '{')],
    ['single quotes', 400, h(auth, "{'version':'4'}")],
    ['trailing comma', 400, h(auth, '{"version":"4",}')],
    ['NaN', 400, h(auth, '{"version":NaN}')],
    ['undefined', 400, h(auth, 'undefined')],
    ['byte order mark', 400, h(auth, `\ufeff${text}`)],
    ['two documents', 400, h(auth, `${text}${text}`)],
    ['binary garbage', 400, h(auth, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]))],
    ...[0.1, 0.25, 0.5, 0.75, 0.9, 0.99].map((f): Case => [
      `truncated at ${f * 100}%`,
      400,
      h(auth, text.slice(0, Math.floor(text.length * f))),
    ]),
    ['null', 422, h(auth, 'null')],
    ['an array', 422, h(auth, JSON.stringify([valid]))],
    ['a number', 422, h(auth, '42')],
    ['a string', 422, h(auth, '"alert"')],
    ['true', 422, h(auth, 'true')],
    ['empty object', 422, h(auth, '{}')],
    ['version 3', 422, h(auth, JSON.stringify({ ...valid, version: '3' }))],
    ['version as a number', 422, h(auth, JSON.stringify({ ...valid, version: 4 }))],
    ['no groupKey', 422, h(auth, without('groupKey'))],
    ['empty groupKey', 422, h(auth, JSON.stringify({ ...valid, groupKey: '' }))],
    ['no alerts', 422, h(auth, without('alerts'))],
    ['alerts empty', 422, h(auth, JSON.stringify({ ...valid, alerts: [] }))],
    ['alerts an object', 422, h(auth, JSON.stringify({ ...valid, alerts: valid.alerts[0] }))],
    ['status unknown', 422, h(auth, JSON.stringify({ ...valid, status: 'ok' }))],
    ['groupLabels null', 422, h(auth, JSON.stringify({ ...valid, groupLabels: null }))],
    ['receiver a number', 422, h(auth, JSON.stringify({ ...valid, receiver: 7 }))],
    ['alert without fingerprint', 422, h(auth, alertWithout('fingerprint'))],
    ['alert without labels', 422, h(auth, alertWithout('labels'))],
    ['alert without startsAt', 422, h(auth, alertWithout('startsAt'))],
    ['alert status pending', 422, h(auth, withAlert({ status: 'pending' }))],
    ['labels an array', 422, h(auth, withAlert({ labels: ['alertname'] }))],
    ['label value a number', 422, h(auth, withAlert({ labels: { alertname: 'x', severity: 2 } }))],
    ['startsAt not a time', 422, h(auth, withAlert({ startsAt: 'yesterday' }))],
    ['fingerprint with spaces', 422, h(auth, withAlert({ fingerprint: 'a b c' }))],
    ['fingerprint empty', 422, h(auth, withAlert({ fingerprint: '' }))],
    ['annotations a string', 422, h(auth, withAlert({ annotations: 'summary' }))],
    ['alert null', 422, h(auth, JSON.stringify({ ...valid, alerts: [null] }))],
    ['GET instead of POST', 405, { method: 'GET', headers: auth }],
    ['wrong path', 404, { path: '/webhooks/alertmanagerx', headers: auth, body: text }],
  ];

  test(`${cases.length} bad requests → the specified 4xx, no workflow started, the server keeps serving`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const t0 = new Date();
    const before = await metric(servicePort, 'atc_ops_webhook_requests_total', 'outcome="rejected",reason="bad-json"');
    const got: [string, number, string][] = [];
    for (const [name, , req] of cases) {
      const r = await rawRequest({ port: servicePort, ...req });
      got.push([name, r.status, r.text.slice(0, 120)]);
    }
    expect(got.map(([name, status]) => [name, status])).toEqual(cases.map(([name, status]) => [name, status]));
    for (const [name, status, body] of got)
      if (status === 400 || status === 422)
        expect([name, body]).toEqual([
          name,
          expect.stringMatching(/malformed JSON|not an Alertmanager v4 notification/),
        ]);
    expect(await metric(servicePort, 'atc_ops_webhook_requests_total', 'outcome="rejected",reason="bad-json"')).toBe(
      before + cases.filter(([, s]) => s === 400).length,
    );
    const health = await fetch(`http://127.0.0.1:${servicePort}/healthz`);
    expect(health.status).toBe(200);
    await withRigClient(async (client) => {
      const err = await client.workflow
        .getHandle(incidentBaseId(groupKey, 'dev'))
        .describe()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowNotFoundError);
      const started = [];
      for await (const w of client.workflow.list({
        query: `AtcRunbook = 'incident' AND StartTime >= '${t0.toISOString()}'`,
      }))
        started.push(w.workflowId);
      expect(started).toEqual([]);
    });
    expect((await post(valid)).status).toBe(200); // and a good one is still accepted afterwards
    expect((await post(notification(groupKey, 'WebhookMalformed', 2, 'resolved'))).status).toBe(200);
  });
});
