/** The bot-resume runbook's contract: its input (validated at the CLI and inside the workflow), refusal rules and result. */
import { z } from 'zod';
import { actorName, duration, environmentName, serviceName } from '../shared/names';

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
