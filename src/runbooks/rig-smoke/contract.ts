/** The rig-smoke runbook's contract: its input, each finding, and the result. */
import { z } from 'zod';
import { actorName, environmentName } from '../shared/names';

export const rigSmokeInput = z
  .object({
    environment: environmentName.default('dev'),
    rounds: z.number().int().min(1).max(100).default(1), // repeat the checks, e.g. to watch a part over time
    intervalSeconds: z.number().int().min(0).max(3600).default(5),
    requestedBy: actorName.optional(),
  })
  .strict();
export type RigSmokeInput = z.input<typeof rigSmokeInput>;

export interface SmokeFinding {
  ok: boolean;
  detail: string;
}

export interface RigSmokeResult {
  ok: boolean;
  environment: string;
  rounds: number;
  findings: (SmokeFinding & { check: string; round: number })[];
}
