/**
 * The deploy and rollback runbooks' contract: inputs, step names, the test-only `continue` signal, the result, the
 * shapes the deploy activities return (no secrets: env values of secret-looking names are redacted) and the plan text.
 */
import { defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { actorName, duration, environmentName, serviceName } from '../shared/names';

export const imageRef = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/, 'an image reference such as atc-sim:1.1.0 or sha256:<id>');

/** Step boundaries, in order; `pauseAfterStep` may name any of them. */
export const DEPLOY_STEPS = [
  'preflight',
  'plan',
  'approval',
  'halt-bot',
  'record-old',
  'retire-old',
  'start-new',
  'verify',
  'finish',
  'rollback',
  'bot-orders',
] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];

const common = {
  environment: environmentName,
  service: serviceName,
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

export interface ImageVersion {
  image: string; // the reference (tag) it was created from / will be created from
  imageId: string;
}

export interface GateSpec {
  name: string;
  query: string; // rendered: {job} and {service} replaced
  op: '<' | '>' | '<=' | '>=' | '==';
  threshold: number;
}

export interface GateResult extends GateSpec {
  pass: boolean;
  values: number[]; // one per sample; none = the series does not exist (never a pass)
  detail: string;
}

export interface CarriedOver {
  env: string[]; // KEY=value, secrets as KEY=<redacted>
  labels: Record<string, string>;
  cmd: string[] | null; // null: the new image's default
  entrypoint: string[] | null;
  networkMode: string;
  networks: string[];
  mounts: string[];
  ports: string[];
  restartPolicy: string;
  healthcheck: string | null;
  imageDefaultsDropped: string[]; // settings the old container only inherited from its image: the new image's apply
}

export interface DeployPlan {
  environment: string;
  service: string;
  role: 'platform' | 'feed' | 'bot';
  container: string;
  job?: string;
  from: ImageVersion;
  to: ImageVersion;
  carriedOver: CarriedOver;
  gates: GateSpec[];
  analysisWindowMs: number;
  gateIntervalMs: number;
  healthTimeoutMs: number;
  openOrdersTimeoutMs: number;
  stopTimeoutSeconds: number;
  approval: { required: boolean; approvers: string[]; timeoutMs: number };
}

/** Where a deployment keeps its files: <dataDir>/deployments/<workflowId>/<runId>/. */
export interface DeploymentKey {
  workflowId: string;
  runId: string;
}

export interface OldContainerRecord {
  id: string;
  name: string; // the service's container name
  retiredName: string; // <name>-atc-old-<short id>
  image: string;
  imageId: string;
  inspectFile: string; // the full inspect (may contain secrets) lives only in this file
}

export interface ReadyResult {
  ok: boolean;
  detail: string;
  waitedMs: number;
}

export interface DeploymentRecord {
  deploymentId: string; // <workflowId>/<runId>
  workflowId: string;
  runId: string;
  runbook: 'deploy' | 'rollback';
  environment: string;
  service: string;
  container: string;
  from: ImageVersion;
  to: ImageVersion;
  outcome: 'succeeded' | 'rolled-back' | 'failed';
  detail: string;
  reason?: string;
  requestedBy?: string;
  approvedBy?: string;
  startedAt: string;
  finishedAt: string;
}

/** One-line text of a deploy plan (approval request, step log, CLI). Pure: safe outside a workflow. */
export function fmtMs(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function planSummary(plan: DeployPlan): string {
  const id = (s: string) => s.replace(/^sha256:/, '').slice(0, 12);
  const gates = plan.gates.map((g) => `${g.name} ${g.op} ${g.threshold}`).join(', ') || 'none';
  return (
    `${plan.container}: ${plan.from.image} (${id(plan.from.imageId)}) → ${plan.to.image} (${id(plan.to.imageId)}); ` +
    `gates [${gates}] over ${fmtMs(plan.analysisWindowMs)}; carried over: ${plan.carriedOver.env.length} env, ` +
    `${Object.keys(plan.carriedOver.labels).length} labels, network ${plan.carriedOver.networkMode}, restart ${plan.carriedOver.restartPolicy}` +
    `${plan.carriedOver.healthcheck ? ', healthcheck' : ''}${plan.carriedOver.imageDefaultsDropped.length ? `; new image defaults for: ${plan.carriedOver.imageDefaultsDropped.join(', ')}` : ''}`
  );
}
