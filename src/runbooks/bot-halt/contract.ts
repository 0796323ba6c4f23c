/** Inputs and results of the bot-halt and bot-resume runbooks (validated at the CLI and inside the workflows). */
import { z } from 'zod';
import { actorName, environmentName } from '../shared/names';

export const serviceName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a service name such as bot_paper');
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 30s, 5m, 1h');

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

export const botResumeInput = z
  .object({
    environment: environmentName,
    service: serviceName,
    requestedBy: actorName,
    reason: z.string().trim().max(500).optional(),
    approvalTimeout: duration.optional(), // shorter than the environment's approvalTimeout only (tests, urgent windows)
  })
  .strict();
export type BotResumeInput = z.input<typeof botResumeInput>;

export type ResumeRule = 'feed-healthy' | 'no-critical-alert' | 'no-critical-incident';

export interface BotResumeResult {
  service: string;
  environment: string;
  outcome: 'succeeded' | 'refused' | 'cancelled' | 'failed';
  rule?: ResumeRule; // the rule that refused the resume
  detail: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy?: string;
  approvedAt?: string;
  cancelledBy?: string; // who rejected it (absent on approval timeout)
  containerStarted: boolean;
  resumedAt?: string;
  finishedAt: string;
}

export function durationToMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) return NaN;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}
