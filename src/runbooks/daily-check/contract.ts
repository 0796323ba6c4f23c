/** The daily-check runbook's contract: its sections and items, input and result (workflow, activities, CLI, report). */
import { z } from 'zod';
import type { BotHaltResult } from '../bot-halt/contract';
import { actorName, environmentName } from '../shared/names';

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
/** The feed section alone: bot-resume and deploy use it as their feed-before-bot rule (OK/WARN = healthy). */
export interface FeedCheckActivities {
  checkFeed(environment: string): Promise<CheckSection>;
}

export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  if (statuses.length === 0) return 'UNKNOWN';
  return statuses.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'OK' as CheckStatus);
}

export const dailyCheckInput = z
  .object({
    environment: environmentName,
    requestedBy: actorName.optional(), // absent when a Schedule starts it
    // A re-check of some sections only (e.g. the feed after a fix); absent: all five, as the schedules always run.
    sections: z
      .array(z.enum(SECTION_NAMES))
      .min(1)
      .refine((xs) => new Set(xs).size === xs.length, 'a section is listed twice')
      .optional(),
  })
  .strict();
export type DailyCheckInput = z.input<typeof dailyCheckInput>;

/** One bot-halt child started by the fail-safe: its result, or why it failed (recorded, never dropped). */
export interface HaltedBot {
  service: string;
  workflowId: string;
  result?: BotHaltResult;
  error?: string;
}

export interface FailSafe {
  triggered: boolean;
  reason: string; // why the bots were (or were not) halted
}

export interface DailyCheckReport {
  environment: string;
  workflowId: string;
  checkedAt: string; // workflow time, ISO
  overall: CheckStatus;
  sections: CheckSection[];
  skipped?: SectionName[]; // sections this run was asked not to check (a partial re-check); absent: none
  failSafe: FailSafe;
  haltedBots: HaltedBot[];
}

export interface DailyCheckResult extends DailyCheckReport {
  reportPath: string;
  markdown: string;
  notifyError?: string; // the summary could not be delivered (the report is still written and returned)
}

/** Exit code 1 for FAIL or UNKNOWN (UNKNOWN is never OK), or when a fail-safe halt did not make a bot safe. */
export function dailyCheckFailed(r: Pick<DailyCheckResult, 'overall' | 'haltedBots'>): boolean {
  return r.overall === 'FAIL' || r.overall === 'UNKNOWN' || r.haltedBots.some((h) => h.error !== undefined);
}
