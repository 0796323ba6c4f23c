/**
 * Building blocks of the check sections: timing a section, reading one Prometheus value with its evidence,
 * grading a number against limits. A failed call or a missing series gives UNKNOWN with the error, never OK.
 */
import { errorMessage } from '../../../errors';
import type { MetricsSource } from '../../../integrations/prometheus';
import {
  worstStatus,
  type CheckItem,
  type CheckSection,
  type CheckStatus,
  type Evidence,
  type SectionName,
} from '../contract';

export const EVIDENCE_MAX_CHARS = 300; // what a call returned
export const CALL_MAX_CHARS = 1000; // the call itself (a whole SQL statement stays readable)

export function clip(text: string, max = EVIDENCE_MAX_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function evidence(source: Evidence['source'], call: string, response: string): Evidence {
  return { source, call: clip(call, CALL_MAX_CHARS), response: clip(response) };
}

export function unknownItem(name: string, threshold: string, ev: Evidence[]): CheckItem {
  return { name, status: 'UNKNOWN', value: null, threshold, evidence: ev };
}

/** Runs a section's probes, measures its wall time; an unexpected throw becomes one UNKNOWN item. */
export async function timedSection(section: SectionName, probe: () => Promise<CheckItem[]>): Promise<CheckSection> {
  const started = Date.now();
  let items: CheckItem[];
  try {
    items = await probe();
  } catch (err) {
    items = [
      unknownItem(`${section} check`, 'the check runs', [
        evidence('prometheus', `${section} check`, `error: ${errorMessage(err)}`),
      ]),
    ];
  }
  return { section, status: worstStatus(items.map((i) => i.status)), items, durationMs: Date.now() - started };
}

export interface PromReading {
  value: number | null; // null: the series is missing or the call failed
  evidence: Evidence;
}

/** One instant query reduced to one number (the first sample); errors and empty results give null. */
export async function readProm(metrics: MetricsSource, query: string): Promise<PromReading> {
  try {
    const result = await metrics.query(query);
    const text = JSON.stringify(result.samples.map((s) => ({ ...s.labels, value: s.value })));
    const first = result.samples[0];
    if (!first || !Number.isFinite(first.value))
      return { value: null, evidence: evidence('prometheus', query, `no series: ${text}`) };
    return { value: first.value, evidence: evidence('prometheus', query, text) };
  } catch (err) {
    return { value: null, evidence: evidence('prometheus', query, `error: ${errorMessage(err)}`) };
  }
}

export interface Limits {
  warnAbove?: number;
  failAbove?: number;
  warnBelow?: number;
  failBelow?: number;
}

export function grade(value: number, l: Limits): CheckStatus {
  if ((l.failAbove !== undefined && value > l.failAbove) || (l.failBelow !== undefined && value < l.failBelow))
    return 'FAIL';
  if ((l.warnAbove !== undefined && value > l.warnAbove) || (l.warnBelow !== undefined && value < l.warnBelow))
    return 'WARN';
  return 'OK';
}

export function describeLimits(l: Limits, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  const parts: string[] = [];
  if (l.warnAbove !== undefined) parts.push(`warn > ${l.warnAbove}${u}`);
  if (l.failAbove !== undefined) parts.push(`fail > ${l.failAbove}${u}`);
  if (l.warnBelow !== undefined) parts.push(`warn < ${l.warnBelow}${u}`);
  if (l.failBelow !== undefined) parts.push(`fail < ${l.failBelow}${u}`);
  return parts.join(', ') || 'reported (no limit)';
}

/** A Prometheus-backed item: query, then grade; a missing value is UNKNOWN. */
export async function promItem(
  metrics: MetricsSource,
  name: string,
  query: string,
  limits: Limits,
  unit = '',
): Promise<CheckItem> {
  const reading = await readProm(metrics, query);
  const threshold = describeLimits(limits, unit);
  if (reading.value === null) return unknownItem(name, threshold, [reading.evidence]);
  const value = Math.round(reading.value * 10_000) / 10_000;
  return { name, status: grade(reading.value, limits), value, threshold, evidence: [reading.evidence] };
}
