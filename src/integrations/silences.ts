/** Alertmanager API v2 silences listing (GET /api/v2/silences), used to make silence creation idempotent. */
import { PermanentError } from '../errors';
import { fetchJson } from './http';

export interface SilenceInfo {
  id: string;
  state: string; // active | pending | expired
  comment: string;
  createdBy: string;
  endsAt: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
}

export async function listSilences(baseUrl: string, timeoutMs = 5000): Promise<SilenceInfo[]> {
  const list = await fetchJson<unknown>(`${baseUrl.replace(/\/+$/, '')}/api/v2/silences`, {}, timeoutMs);
  if (!Array.isArray(list)) throw new PermanentError('alertmanager silences: the answer is not a list');
  return (list as Record<string, unknown>[]).map((s) => ({
    id: String(s.id ?? ''),
    state: String((s.status as { state?: string } | undefined)?.state ?? ''),
    comment: String(s.comment ?? ''),
    createdBy: String(s.createdBy ?? ''),
    endsAt: String(s.endsAt ?? ''),
    matchers: Array.isArray(s.matchers) ? (s.matchers as SilenceInfo['matchers']) : [],
  }));
}
