/** The runbook catalogue: CLI name → entry. One line per runbook; each entry lives in its own file here. */
import type { RunbookEntry } from './entry';
import { backupEntry, restoreEntry, restoreTestEntry } from './backup';
import { botHaltEntry } from './botHalt';
import { botResumeEntry } from './botResume';
import { dailyCheckEntry } from './dailyCheck';
import { deployEntry, rollbackEntry } from './deploy';
import { incidentEntry } from './incident';
import { rigSmokeEntry } from './smoke';

export type { Flags, RunbookEntry } from './entry';

export const RUNBOOKS: Record<string, RunbookEntry> = {
  'rig-smoke': rigSmokeEntry,
  backup: backupEntry, restore: restoreEntry, 'restore-test': restoreTestEntry,
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
