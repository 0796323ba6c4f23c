/** Inputs, step names, the test-only `continue` signal and the result of the deploy and rollback runbooks. */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import type { DeployPlan, GateResult } from '../activities/deploy/types';
import { actorName, environmentName } from './inputs';

export const deployServiceName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a service name such as bot_paper');
export const imageRef = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/, 'an image reference such as atc-sim:1.1.0 or sha256:<id>');
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 30s, 5m, 1h');

/** Step boundaries, in order; `pauseAfterStep` may name any of them. */
export const DEPLOY_STEPS = ['preflight', 'plan', 'approval', 'halt-bot', 'record-old', 'retire-old', 'start-new', 'verify', 'finish', 'rollback', 'bot-orders'] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];

const common = {
  environment: environmentName,
  service: deployServiceName,
  dryRun: z.boolean().default(false),
  reason: z.string().trim().min(1).max(500).optional(),
  requestedBy: actorName.optional(),
  approvalTimeout: duration.optional(), // may only shorten the environment's approvalTimeout
  /** Test hook: wait for the `continue` signal after this step (harmless in production: nothing happens meanwhile). */
  pauseAfterStep: z.enum(DEPLOY_STEPS).optional(),
};

export const deployInput = z.object({ ...common, image: imageRef }).strict();
export type DeployInput = z.input<typeof deployInput>;

export const rollbackInput = z.object({ ...common, to: imageRef.optional() }).strict();
export type RollbackInput = z.input<typeof rollbackInput>;

/** Resumes a deploy paused by `pauseAfterStep`. */
export const continueSignal = defineSignal('continue');

export type DeployRule =
  | 'service-known'
  | 'container-present'
  | 'clean-state'
  | 'image-present'
  | 'image-differs'
  | 'one-deploy-at-a-time'
  | 'no-critical-incident'
  | 'feed-before-bot'
  | 'observability-before-scaling'
  | 'four-eyes'
  | 'rollback-target';
export interface Refusal {
  rule: DeployRule;
  detail: string;
}

export type DeployOutcome = 'succeeded' | 'planned' | 'refused' | 'cancelled' | 'rolled-back' | 'failed';

export interface DeployResult {
  runbook: 'deploy' | 'rollback';
  workflowId: string;
  environment: string;
  service: string;
  image: string; // the target image
  outcome: DeployOutcome;
  detail: string;
  refusals: Refusal[];
  plan?: DeployPlan;
  approval?: { required: boolean; approvedBy?: string; rejectedBy?: string; comment?: string; timedOut?: boolean };
  bot?: { previousNewOrders?: boolean; haltPath?: string; newOrdersAfter?: boolean; detail?: string };
  gates?: GateResult[]; // the last evaluation
  rollback?: { reason: string; restored: boolean; detail: string };
}
