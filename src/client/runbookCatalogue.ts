/** The runbook catalogue: CLI name → entry. One line per runbook; each entry lives in its own file here. */
import type { RunbookEntry } from '../runbooks/shared/cli';
import { backupEntry, restoreEntry, restoreTestEntry } from '../runbooks/backup/cli';
import { botHaltEntry } from '../runbooks/bot-halt/cli';
import { botResumeEntry } from '../runbooks/bot-resume/cli';
import { dailyCheckEntry } from '../runbooks/daily-check/cli';
import { deployEntry, rollbackEntry } from '../runbooks/deploy/cli';
import { incidentEntry } from '../runbooks/incident/cli';
import { rigSmokeEntry } from '../runbooks/rig-smoke/cli';

export type { Flags, RunbookEntry } from '../runbooks/shared/cli';

export const RUNBOOKS: Record<string, RunbookEntry> = {
  'rig-smoke': rigSmokeEntry,
  backup: backupEntry,
  restore: restoreEntry,
  'restore-test': restoreTestEntry,
  'bot-halt': botHaltEntry,
  'bot-resume': botResumeEntry,
  'daily-check': dailyCheckEntry,
  deploy: deployEntry,
  rollback: rollbackEntry,
  incident: incidentEntry,
};

export function runbookOfType(workflowType: string): [string, RunbookEntry] | undefined {
  return Object.entries(RUNBOOKS).find(([, e]) => e.workflowType === workflowType);
}
