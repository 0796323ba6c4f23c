/** What the CLI needs to know about a runbook: workflow type, input schema, flag mapping, id, exit code, rendering. */
import type { z } from 'zod';
import type { AtcConfig } from '../../config';

export type Flags = Record<string, string | boolean | undefined>;

/** One flag a verb or a runbook takes; the parser and the usage text (`atc … --help`) are made from these. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  value?: string; // a string flag's value in the usage text: `--env E`, `--as <who>`
  required?: boolean;
  short?: string;
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface RunbookEntry {
  summary: string; // one line for the usage text
  flags: FlagSpecs; // every flag fromFlags reads; `atc run <runbook>` refuses any other
  workflowType: string;
  input: z.ZodType;
  fromFlags(flags: Flags): Record<string, unknown>;
  workflowId(input: Record<string, unknown>, now: Date): string;
  failed(result: unknown): boolean; // exit code 1 when true
  render(result: unknown): string;
}

export const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * What only the config can tell at the edge: an environment, service or database it does not know. The CLI answers
 * exit 2 before anything starts; the workflows check again for starts from the Temporal UI or CLI.
 */
export function configProblems(input: Record<string, unknown>, config: AtcConfig): string[] {
  const problems: string[] = [];
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const env = str(input.environment);
  if (env !== undefined && !has(config.environments, env))
    problems.push(
      `environment: unknown environment "${env}" (configured: ${Object.keys(config.environments).join(', ')})`,
    );
  const service = str(input.service);
  const known = config.services.filter((s) => env === undefined || s.environments.includes(env)).map((s) => s.name);
  if (service !== undefined && !known.includes(service))
    problems.push(
      `service: unknown service "${service}"${env ? ` in ${env}` : ''} (configured: ${known.join(', ') || 'none'})`,
    );
  const databases = [input.database, ...(Array.isArray(input.databases) ? input.databases : [])].filter(
    (d): d is string => typeof d === 'string',
  );
  for (const d of databases.filter((x) => !has(config.databases, x)))
    problems.push(
      `database: unknown database "${d}" (configured: ${Object.keys(config.databases).join(', ') || 'none'})`,
    );
  return problems;
}
