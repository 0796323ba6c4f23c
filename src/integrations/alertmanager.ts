/** Alertmanager API v2: alerts and silences. */
import { PermanentError } from '../errors';
import { describeTarget, fetchJson, httpRequest, jsonInit, statusError } from './http';

export interface ActiveAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}
export interface SilenceRequest {
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}
export interface AlertSource {
  listAlerts(opts?: {
    active?: boolean;
    silenced?: boolean;
    inhibited?: boolean;
    filter?: string[];
  }): Promise<ActiveAlert[]>;
  createSilence(s: SilenceRequest): Promise<string>; // silence id
  expireSilence(id: string): Promise<void>; // idempotent
  version(): Promise<string>;
}

interface GettableAlert {
  fingerprint?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  status?: { state?: string; silencedBy?: string[]; inhibitedBy?: string[] };
}

function toActiveAlert(a: GettableAlert): ActiveAlert {
  const state = a.status?.state;
  return {
    fingerprint: a.fingerprint ?? '',
    labels: a.labels ?? {},
    annotations: a.annotations ?? {},
    startsAt: a.startsAt ?? '',
    state: state === 'suppressed' || state === 'unprocessed' ? state : 'active',
    silencedBy: a.status?.silencedBy ?? [],
    inhibitedBy: a.status?.inhibitedBy ?? [],
  };
}

export function createAlertmanagerClient(baseUrl: string, timeoutMs = 5000): AlertSource {
  const base = baseUrl.replace(/\/+$/, '');

  return {
    async listAlerts(opts = {}) {
      const params = new URLSearchParams();
      for (const key of ['active', 'silenced', 'inhibited'] as const) {
        const value = opts[key];
        if (value !== undefined) params.set(key, String(value));
      }
      for (const f of opts.filter ?? []) params.append('filter', f);
      const query = params.toString();
      const alerts = await fetchJson<unknown>(`${base}/api/v2/alerts${query ? `?${query}` : ''}`, {}, timeoutMs);
      if (!Array.isArray(alerts)) throw new PermanentError('alertmanager alerts: the answer is not a list');
      return (alerts as GettableAlert[]).map(toActiveAlert);
    },

    async createSilence(s) {
      const res = await fetchJson<{ silenceID?: unknown } | undefined>(
        `${base}/api/v2/silences`,
        jsonInit('POST', s),
        timeoutMs,
      );
      if (typeof res?.silenceID !== 'string')
        throw new PermanentError('alertmanager silence: no silenceID in the answer');
      return res.silenceID;
    },

    /** Unknown (404, or 500 "silence not found" in 0.25) and "already expired" (500) count as done. */
    async expireSilence(id) {
      const url = `${base}/api/v2/silence/${encodeURIComponent(id)}`;
      const init: RequestInit = { method: 'DELETE' };
      const res = await httpRequest(url, init, timeoutMs);
      if (res.status === 404 || /already expired|silence not found/i.test(res.text)) return;
      const error = statusError(res, describeTarget(url, init));
      if (error) throw error;
    },

    async version() {
      const status = await fetchJson<{ versionInfo?: { version?: unknown } } | undefined>(
        `${base}/api/v2/status`,
        {},
        timeoutMs,
      );
      const version = status?.versionInfo?.version;
      if (typeof version !== 'string') throw new PermanentError('alertmanager status: versionInfo.version missing');
      return version;
    },
  };
}
