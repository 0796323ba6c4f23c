/** The runbook catalogue: CLI name → workflow type, input schema, how CLI flags map to input, how to render results. */
import type { z } from 'zod';
import { rigSmokeInput } from '../workflows/inputs';
import type { RigSmokeResult } from '../workflows/rigSmoke';

export type Flags = Record<string, string | boolean | undefined>;

export interface RunbookEntry {
  workflowType: string;
  input: z.ZodType;
  fromFlags(flags: Flags): Record<string, unknown>;
  workflowId(input: Record<string, unknown>, now: Date): string;
  failed(result: unknown): boolean; // exit code 1 when true
  render(result: unknown): string;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const RUNBOOKS: Record<string, RunbookEntry> = {
  'rig-smoke': {
    workflowType: 'rigSmoke',
    input: rigSmokeInput,
    fromFlags: (f) => ({ environment: str(f.env) ?? 'paper', requestedBy: str(f.as) }),
    workflowId: (i, now) => `rig-smoke-${String(i.environment)}-${stamp(now)}`,
    failed: (r) => !(r as RigSmokeResult).ok,
    render: (r) => {
      const res = r as RigSmokeResult;
      const lines = res.findings.map((f) => `  ${f.ok ? 'OK  ' : 'FAIL'} ${f.check}: ${f.detail}`);
      return [`rig-smoke (${res.environment}): ${res.ok ? 'OK' : 'FAILED'}`, ...lines].join('\n');
    },
  },
};

export function runbookOfType(workflowType: string): [string, RunbookEntry] | undefined {
  return Object.entries(RUNBOOKS).find(([, e]) => e.workflowType === workflowType);
}
