/** Runbook inputs, validated at every edge: the CLI, the HTTP server, and inside the workflow (Temporal UI starts). */
import { z } from 'zod';

export const environmentName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'an environment name such as dev, paper or live');
export const actorName = z.string().trim().min(1, 'an actor name is required').max(100);

export const rigSmokeInput = z
  .object({
    environment: environmentName.default('dev'),
    rounds: z.number().int().min(1).max(100).default(1), // repeat the checks, e.g. to watch a part over time
    intervalSeconds: z.number().int().min(0).max(3600).default(5),
    requestedBy: actorName.optional(),
  })
  .strict();
export type RigSmokeInput = z.input<typeof rigSmokeInput>;

/** Formats zod issues as "path: message" lines. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}
