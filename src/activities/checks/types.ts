/** The shape of every on-call check: items with a status, value, threshold and the evidence that produced them. */
export type CheckStatus = 'OK' | 'WARN' | 'FAIL' | 'UNKNOWN';
export const SECTION_NAMES = ['system', 'feed', 'bots', 'drift', 'alerts'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface Evidence {
  source: 'prometheus' | 'docker' | 'alertmanager' | 'postgres' | 'bot-control';
  call: string; // the PromQL query, API call or SQL that was run
  response: string; // what it returned (truncated), or the error
}

export interface CheckItem {
  name: string; // e.g. "live_connector latency"
  status: CheckStatus;
  value: number | string | null; // null when unknown
  threshold: string; // e.g. "warn > 250 ms, fail > 1000 ms"
  evidence: Evidence[];
}

export interface CheckSection {
  section: SectionName;
  status: CheckStatus; // the worst item; a section without items is UNKNOWN
  items: CheckItem[];
  durationMs: number;
}

const rank: Record<CheckStatus, number> = { OK: 0, WARN: 1, UNKNOWN: 2, FAIL: 3 };

/** The worst status; FAIL outranks UNKNOWN, UNKNOWN outranks WARN; an empty list is UNKNOWN (never OK). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  if (statuses.length === 0) return 'UNKNOWN';
  return statuses.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'OK' as CheckStatus);
}
