/** Input and result of the daily-check runbook (shared by the workflow, the CLI entry and the report renderer). */
import { z } from 'zod';
import { SECTION_NAMES, type CheckSection, type CheckStatus, type SectionName } from '../activities/checks/types';
import type { BotHaltResult } from './botInputs';
import { actorName, environmentName } from './inputs';

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
