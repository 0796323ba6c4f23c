/**
 * POST /webhooks/alertmanager. Order of checks: bearer token (401) → content type (415) → size (413) → JSON (400)
 * → Alertmanager v4 payload (422) → Temporal signal-with-start per environment (200 once every part is accepted;
 * 503 when Temporal is unreachable, so Alertmanager retries the whole notification — the incident deduplicates).
 */
import type { IncomingMessage } from 'node:http';
import type { AtcConfig } from '../../config';
import { readSecret } from '../../config';
import { describeIssues } from '../../runbooks/shared/names';
import type { HttpResponse, Route } from '../server';
import { webhookAlerts, webhookRequests, webhookSeconds } from '../../observability/serviceMetrics';
import { TemporalUnavailable, type IncidentStarter } from './incidentStarter';
import { bearerChecker, checkContentType, discardRest, parseJsonBody, readBody, Rejection } from './intake';
import { alertmanagerPayload, splitByEnvironment } from './payload';

export const ALERTMANAGER_WEBHOOK_PATH = '/webhooks/alertmanager';

export function alertmanagerRoute(
  config: AtcConfig,
  starter: IncidentStarter,
  log: (line: string) => void = () => undefined,
): Route {
  let token: string | undefined;
  try {
    token = readSecret(config.server.webhookToken);
  } catch (err) {
    log(
      `webhook token could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): every webhook request will be refused`,
    );
  }
  if (!token) log('no server.webhookToken configured: every Alertmanager webhook request will be refused with 401');
  const checkToken = bearerChecker(token);
  const limit = config.server.bodyLimitBytes;

  async function handle(req: IncomingMessage): Promise<HttpResponse> {
    checkToken(req.headers.authorization);
    checkContentType(req.headers['content-type']);
    const json = parseJsonBody(await readBody(req, limit));
    const parsed = alertmanagerPayload.safeParse(json);
    if (!parsed.success)
      throw new Rejection(
        422,
        'not-alertmanager',
        `not an Alertmanager v4 notification: ${describeIssues(parsed.error).slice(0, 1000)}`,
      );
    const parts = splitByEnvironment(parsed.data, config.incidents.defaultEnvironment, new Date().toISOString());
    const incidents = [];
    for (const part of parts)
      incidents.push({ ...(await starter.deliver(part)), alerts: part.notifications[0]!.alerts.length }); // a 503 midway is retried whole
    for (const a of parsed.data.alerts) webhookAlerts.inc({ status: a.status });
    return { status: 200, body: { accepted: true, incidents } };
  }

  return async (req) => {
    const begun = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - begun) / 1e9;
    try {
      const r = await handle(req);
      webhookRequests.inc({ outcome: 'accepted', reason: 'ok' });
      webhookSeconds.observe({ outcome: 'accepted' }, seconds());
      return r;
    } catch (err) {
      let r: HttpResponse;
      let reason: string;
      if (err instanceof Rejection) {
        const drained = await discardRest(req);
        const headers = drained ? err.headers : { ...err.headers, connection: 'close' };
        [r, reason] = [{ status: err.status, body: { error: err.message }, headers }, err.reason];
      } else if (err instanceof TemporalUnavailable) {
        [r, reason] = [
          { status: 503, body: { error: err.message }, headers: { 'retry-after': '5' } },
          'temporal-unavailable',
        ];
      } else {
        log(`webhook: internal error: ${(err as Error)?.message ?? String(err)}`);
        [r, reason] = [{ status: 500, body: { error: 'internal error; Alertmanager will retry' } }, 'internal'];
      }
      webhookRequests.inc({ outcome: 'rejected', reason });
      webhookSeconds.observe({ outcome: 'rejected' }, seconds());
      return r;
    }
  };
}
