/** The runbook catalogue: CLI name → entry. One line per runbook; each entry lives in its own file here. */
import type { RunbookEntry } from './entry';
import { rigSmokeEntry } from './smoke';

export type { Flags, RunbookEntry } from './entry';

export const RUNBOOKS: Record<string, RunbookEntry> = {
  'rig-smoke': rigSmokeEntry,
};

export function runbookOfType(workflowType: string): [string, RunbookEntry] | undefined {
  return Object.entries(RUNBOOKS).find(([, e]) => e.workflowType === workflowType);
}
