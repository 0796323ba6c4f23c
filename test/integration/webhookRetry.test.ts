/**
 * The webhook with Temporal unreachable: a second `atc serve` (its Temporal behind a proxy that can be cut) answers
 * 503, and a real Alertmanager's retry opens the incident exactly once when Temporal is back.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { stringify } from 'yaml';
import { incidentQuery, type IncidentResult } from '../../src/runbooks/incident/contract';
import { serviceConfigFor, startService } from '../support/cli';
import { closeOpenIncidents, waitIncident, withRigClient } from '../support/incidents';
import { freePort, stopPid } from './support/services';
import { waitFor } from '../support/waitFor';
import { TcpProxy } from './support/rawHttp';
import { metric, notification, post, state } from './support/webhook';

afterAll(async () => closeOpenIncidents({ environment: 'dev', waitMs: 5000 })); // whatever a failed assertion left open

describe('Temporal unreachable → 503; a real Alertmanager retries until Temporal is back', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) await new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')));
    for (const f of cleanups.reverse()) await f().catch(() => undefined);
  });

  async function startServe(proxyPort: number): Promise<number> {
    const port = await freePort();
    const file = serviceConfigFor(`webhook-503-${Date.now()}`, (config) => {
      config.temporal!.address = `127.0.0.1:${proxyPort}`;
      config.server!.port = port;
    });
    cleanups.push(async () => rmSync(file, { force: true }));
    children.push(await startService(file));
    return port;
  }

  async function startAlertmanager(webhookPort: number): Promise<number> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'atc-webhook-am-'));
    const port = await freePort();
    const config = {
      route: {
        receiver: 'atc',
        group_by: ['alertname', 'environment', 'service'],
        group_wait: '1s',
        group_interval: '2s',
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'atc',
          webhook_configs: [
            {
              url: `http://127.0.0.1:${webhookPort}/webhooks/alertmanager`,
              send_resolved: true,
              http_config: { authorization: { type: 'Bearer', credentials_file: state.tokenFile } },
            },
          ],
        },
      ],
    };
    writeFileSync(path.join(dir, 'am.yml'), stringify(config));
    const fd = openSync(path.join(dir, 'am.log'), 'a');
    const args = [
      `--config.file=${dir}/am.yml`,
      `--storage.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ];
    const child = spawn('/usr/bin/prometheus-alertmanager', args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    cleanups.push(async () => {
      await stopPid(child.pid!);
      rmSync(dir, { recursive: true, force: true });
    });
    await waitFor('test alertmanager', async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok);
    return port;
  }

  const postAlert = (amPort: number, alert: object) =>
    fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });

  async function findIncident(client: Client, since: Date, alertname: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const w of client.workflow.list({
      query: `AtcRunbook = 'incident' AND AtcEnvironment = 'dev' AND StartTime >= '${since.toISOString()}'`,
    })) {
      const v = await client.workflow
        .getHandle(w.workflowId)
        .query(incidentQuery)
        .catch(() => undefined);
      if (v?.alerts.some((a) => a.alertname === alertname)) ids.push(w.workflowId);
    }
    return ids;
  }

  test('503 while cut off; the retried notification opens exactly one incident after Temporal is back', async () => {
    const proxy = new TcpProxy(await freePort(), state.ports.temporal);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const webhookPort = await startServe(proxy.port);
    const amPort = await startAlertmanager(webhookPort);
    const since = new Date(Date.now() - 1000);

    await proxy.stop(); // Temporal unreachable for the second service
    const direct = await post(notification(`{}:{alertname="Direct503-${randomUUID()}"}`, 'Direct503', 1), webhookPort);
    expect(direct.status).toBe(503);
    const alertname = `WebhookRetry${Date.now()}`;
    const labels = { alertname, environment: 'dev', severity: 'warning', service: 'retry_probe' };
    expect(
      (await postAlert(amPort, { labels, annotations: { summary: 'retry test' }, startsAt: new Date().toISOString() }))
        .ok,
    ).toBe(true);
    await waitFor(
      'Alertmanager delivery refused with 503 at least twice',
      async () =>
        (await metric(
          webhookPort,
          'atc_ops_webhook_requests_total',
          'outcome="rejected",reason="temporal-unavailable"',
        )) >= 3,
      { timeoutMs: 60_000 },
    );

    await proxy.start(); // Temporal is back
    await withRigClient(async (client) => {
      let ids: string[] = [];
      await waitFor(
        'the incident opened by a retried notification',
        async () => (ids = await findIncident(client, since, alertname)).length > 0,
        { timeoutMs: 90_000 },
      );
      const v = await waitIncident(client, ids[0]!, (x) => x.timeline.some((e) => e.kind === 'open'));
      expect(v.alerts).toHaveLength(1);
      expect(v.alerts[0]).toMatchObject({ alertname, status: 'firing', service: 'retry_probe' });
      const amFailed = await metric(amPort, 'alertmanager_notification_requests_failed_total', 'integration="webhook"');
      expect(amFailed).toBeGreaterThanOrEqual(1);
      expect(
        await metric(webhookPort, 'atc_ops_webhook_requests_total', 'outcome="accepted",reason="ok"'),
      ).toBeGreaterThanOrEqual(1);

      expect(
        (
          await postAlert(amPort, {
            labels,
            annotations: { summary: 'retry test' },
            startsAt: v.alerts[0]!.startsAt,
            endsAt: new Date().toISOString(),
          })
        ).ok,
      ).toBe(true);
      const result = (await client.workflow.getHandle(ids[0]!).result()) as IncidentResult;
      expect(result).toMatchObject({ status: 'closed', alertCount: 1, firing: 0 });
      expect(await findIncident(client, since, alertname)).toEqual(ids); // still exactly one
      expect(ids).toHaveLength(1);
    });
  });
});
