/** Prometheus HTTP API (instant queries and targets). An empty result is success, not an error. */
import { PermanentError, TransientError } from '../errors';
import { describeTarget, httpRequest, parseJson, statusError, truncate } from './http';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}
export interface QueryResult {
  query: string;
  samples: Sample[]; // empty = the series does not exist (caller decides: UNKNOWN, never OK)
}
export interface TargetHealth {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}
export interface MetricsSource {
  query(promql: string): Promise<QueryResult>; // UnreachableError / PermanentError (bad query) on failure
  targets(job?: string): Promise<TargetHealth[]>;
  buildVersion(): Promise<string>;
}

interface ApiEnvelope {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
}
type ValuePair = [number, string];

/** Prometheus encodes values as strings; "+Inf"/"-Inf" are not understood by Number(). NaN is kept. */
export function parseSampleValue(raw: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}

export function createPrometheusClient(baseUrl: string, timeoutMs = 5000): MetricsSource {
  const base = baseUrl.replace(/\/+$/, '');

  /** GET an API path; the Prometheus error envelope is read whatever the HTTP status (400/422/503 carry it). */
  async function api(path: string, context: string): Promise<unknown> {
    const url = `${base}${path}`;
    const what = describeTarget(url);
    const res = await httpRequest(url, { headers: { accept: 'application/json' } }, timeoutMs);
    let body: ApiEnvelope | undefined;
    try {
      body = parseJson(res.text, what) as ApiEnvelope;
    } catch (err) {
      throw statusError(res, what) ?? err; // not JSON: the status tells more (e.g. a proxy's 502 page)
    }
    if (body?.status === 'success') return body.data;
    if (body?.status === 'error') {
      const message = `prometheus ${context}: ${body.errorType ?? 'error'}: ${truncate(body.error ?? '')}`;
      const transient = ['timeout', 'canceled', 'unavailable', 'internal'].includes(body.errorType ?? '');
      throw transient ? new TransientError(message) : new PermanentError(message);
    }
    throw statusError(res, what) ?? new PermanentError(`${what}: unexpected answer: ${truncate(res.text, 120)}`);
  }

  return {
    async query(promql) {
      const data = (await api(
        `/api/v1/query?${new URLSearchParams({ query: promql })}`,
        `query ${JSON.stringify(promql)}`,
      )) as { resultType?: string; result?: unknown } | undefined;
      const result = data?.result;
      if (data?.resultType === 'vector' && Array.isArray(result)) {
        const samples = (result as { metric?: Record<string, string>; value?: ValuePair }[]).map((r) => ({
          labels: r.metric ?? {},
          value: parseSampleValue(r.value?.[1] ?? 'NaN'),
        }));
        return { query: promql, samples };
      }
      if (data?.resultType === 'scalar' && Array.isArray(result)) {
        return { query: promql, samples: [{ labels: {}, value: parseSampleValue(String((result as ValuePair)[1])) }] };
      }
      throw new PermanentError(
        `prometheus query ${JSON.stringify(promql)}: result type ${data?.resultType ?? 'unknown'} is not an instant vector or scalar`,
      );
    },

    async targets(job) {
      const data = (await api('/api/v1/targets?state=active', 'targets')) as { activeTargets?: unknown } | undefined;
      if (!Array.isArray(data?.activeTargets)) throw new PermanentError('prometheus targets: activeTargets missing');
      const targets = (data.activeTargets as Record<string, unknown>[]).map((t) => {
        const labels = (t.labels ?? {}) as Record<string, string>;
        const health = t.health === 'up' || t.health === 'down' ? t.health : 'unknown';
        return {
          job: labels.job ?? String(t.scrapePool ?? ''),
          instance: labels.instance ?? '',
          health,
          lastError: String(t.lastError ?? ''),
          lastScrape: String(t.lastScrape ?? ''),
        } satisfies TargetHealth;
      });
      return job === undefined ? targets : targets.filter((t) => t.job === job);
    },

    async buildVersion() {
      const data = (await api('/api/v1/status/buildinfo', 'buildinfo')) as { version?: unknown } | undefined;
      if (typeof data?.version !== 'string') throw new PermanentError('prometheus buildinfo: version missing');
      return data.version;
    },
  };
}
