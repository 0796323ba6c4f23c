/**
 * The names and value shapes every edge validates (CLI, HTTP server, config file, and inside the workflows for
 * Temporal UI starts). Pure: safe in the workflow sandbox.
 */
import { z } from 'zod';

/** The one name rule for environments, services, databases and other config keys: what Prometheus labels and ids can carry. */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
export const isName = (v: string | undefined): v is string => v !== undefined && NAME_PATTERN.test(v);
/** A config name, with an example of what is meant in the message. */
export const nameOf = (what = 'lower-case letters, digits, _ or -, starting with a letter') =>
  z.string().regex(NAME_PATTERN, what);

export const environmentName = nameOf('an environment name such as dev, paper or live');
export const serviceName = nameOf('a service name such as bot_paper');
export const configDatabase = nameOf('the name of a database in the config (databases:)');
export const actorName = z.string().trim().min(1, 'an actor name is required').max(100);

const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const duration = z.string().regex(DURATION_PATTERN, 'a duration such as 500ms, 30s, 5m, 1h, 2d');

/** Milliseconds of a duration such as 30s; NaN when it is not one (validate with `duration` first). */
export function durationToMs(d: string): number {
  const m = DURATION_PATTERN.exec(d);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
}

/** Formats zod issues as "path: message" lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}
