/** What the CLI needs to know about a runbook: workflow type, input schema, flag mapping, id, exit code, rendering. */
import type { z } from 'zod';

export type Flags = Record<string, string | boolean | undefined>;

export interface RunbookEntry {
  workflowType: string;
  input: z.ZodType;
  fromFlags(flags: Flags): Record<string, unknown>;
  workflowId(input: Record<string, unknown>, now: Date): string;
  failed(result: unknown): boolean; // exit code 1 when true
  render(result: unknown): string;
}

export const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
