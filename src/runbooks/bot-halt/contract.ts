/** The bot-halt runbook's contract: its input (validated at the CLI and inside the workflow) and result. */
import { z } from 'zod';
import { actorName, environmentName, serviceName } from '../shared/names';
import type { createBotActivities } from './activities';

/** The bot control activities (resolve, halt, resume, the container, silences); bot-resume calls them too. */
export type BotControlActivities = ReturnType<typeof createBotActivities>;

export const botHaltInput = z
  .object({
    environment: environmentName,
    service: serviceName,
    reason: z.string().trim().min(1, 'a reason is required').max(500),
    requestedBy: actorName.optional(),
  })
  .strict();
export type BotHaltInput = z.input<typeof botHaltInput>;

export interface BotHaltResult {
  service: string;
  path: 'halted' | 'already-halted' | 'container-stopped';
  confirmed: boolean; // newOrdersEnabled=false was read back from the bot's control state
  detail: string;
}
