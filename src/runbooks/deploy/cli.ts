/**
 * CLI entries of the deploy and rollback runbooks:
 *   atc run deploy --env E --service S --image REF [--dry-run] [--reason R] [--as WHO]
 *   atc run rollback --env E --service S [--to REF] [--dry-run] [--reason R] [--as WHO]
 * Both use the workflow id deploy-<env>-<service>: Temporal refuses a second start while one runs.
 */
import { userInfo } from 'node:os';
import { deployInput, rollbackInput, type DeployResult } from './contract';
import { planSummary } from './contract';
import { str, type Flags, type FlagSpecs, type RunbookEntry } from '../shared/cli';

const commonFlags: FlagSpecs = {
  env: { type: 'string', value: 'E', required: true, help: 'the environment' },
  service: { type: 'string', value: 'S', required: true, help: 'the service' },
};
const moreFlags: FlagSpecs = {
  'dry-run': { type: 'boolean', help: 'plan only: check the rules and print the plan, change nothing' },
  reason: { type: 'string', value: 'R', help: 'why (in the history and the notification)' },
  as: { type: 'string', value: 'who', help: 'who asks (default: the OS user)' },
};

const requester = (f: Flags) => str(f.as) ?? userInfo().username;
const common = (f: Flags) => ({
  environment: str(f.env),
  service: str(f.service),
  dryRun: f['dry-run'] === true,
  reason: str(f.reason),
  requestedBy: requester(f),
});

export function renderDeployResult(res: DeployResult): string {
  const lines = [
    `${res.runbook} ${res.service} (${res.environment}) → ${res.image}: ${res.outcome.toUpperCase()}`,
    `  ${res.detail}`,
  ];
  for (const r of res.refusals) lines.push(`  refused by rule ${r.rule}: ${r.detail}`);
  if (res.plan) lines.push(`  plan: ${planSummary(res.plan)}`);
  const a = res.approval;
  if (a?.required)
    lines.push(
      `  approval: ${a.approvedBy ? `approved by ${a.approvedBy}` : a.rejectedBy ? `rejected by ${a.rejectedBy}` : 'timed out'}${a.comment ? ` (${a.comment})` : ''}`,
    );
  if (res.bot)
    lines.push(
      `  bot: previous newOrdersEnabled=${res.bot.previousNewOrders ?? '?'}, halt ${res.bot.haltPath ?? 'not done'}${res.bot.detail ? `; ${res.bot.detail}` : ''}`,
    );
  for (const g of res.gates ?? []) lines.push(`  gate ${g.pass ? 'PASS' : 'FAIL'} ${g.detail}`);
  if (res.rollback)
    lines.push(`  rollback: ${res.rollback.restored ? 'restored' : 'NOT restored'} — ${res.rollback.detail}`);
  return lines.join('\n');
}

const shared = {
  workflowId: (i: Record<string, unknown>) => `deploy-${String(i.environment)}-${String(i.service)}`,
  failed: (r: unknown) => !['succeeded', 'planned'].includes((r as DeployResult).outcome),
  render: (r: unknown) => renderDeployResult(r as DeployResult),
};

export const deployEntry: RunbookEntry = {
  summary: "replaces a service's container with one from another image (gates, approval in live, rollback on failure)",
  flags: {
    ...commonFlags,
    image: { type: 'string', value: 'REF', required: true, help: 'the image to run' },
    ...moreFlags,
  },
  workflowType: 'deploy',
  input: deployInput,
  fromFlags: (f) => ({ ...common(f), image: str(f.image) }),
  ...shared,
};
export const rollbackEntry: RunbookEntry = {
  summary: 'a deploy of the image the service ran before (from the deployment history), or of --to',
  flags: {
    ...commonFlags,
    to: { type: 'string', value: 'REF', help: 'the image to go back to (default: the one before)' },
    ...moreFlags,
  },
  workflowType: 'rollback',
  input: rollbackInput,
  fromFlags: (f) => ({ ...common(f), to: str(f.to) }),
  ...shared,
};
