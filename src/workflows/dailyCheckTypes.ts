/** Input and result of the daily-check runbook (shared by the workflow, the CLI entry and the report renderer). */
import { z } from 'zod';
import type { CheckSection, CheckStatus } from '../activities/checks/types';
import type { BotHaltResult } from './botInputs';
import { actorName, environmentName } from './inputs';

export const dailyCheckInput = z
  .object({
    environment: environmentName,
    requestedBy: actorName.optional(), // absent when a Schedule starts it
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
