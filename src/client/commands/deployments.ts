/** `atc deployments [--service S] [--env E] [--limit N] [--json]`: the deployment history, newest first. */
import { readHistory } from '../../runbooks/deploy/activities/history';
import { BadInputError } from '../../errors';
import type { Ctx, Verb } from '../context';

async function deploymentsCommand(ctx: Ctx): Promise<number> {
  if (ctx.positionals.length) throw new BadInputError(`unexpected arguments: ${ctx.positionals.join(' ')}`);
  const limit = Number(ctx.flags.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new BadInputError('--limit must be a whole number from 1 to 10000');
  const { service, env } = ctx.flags;
  const rows = readHistory(ctx.config().dataDir)
    .filter(
      (r) =>
        (typeof service !== 'string' || r.service === service) && (typeof env !== 'string' || r.environment === env),
    )
    .reverse()
    .slice(0, limit);
  if (ctx.flags.json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (!rows.length) ctx.out('no deployments recorded');
  for (const r of rows) {
    const who = [r.requestedBy && `by ${r.requestedBy}`, r.approvedBy && `approved by ${r.approvedBy}`]
      .filter(Boolean)
      .join(', ');
    ctx.out(
      `${r.finishedAt}  ${r.outcome.padEnd(11)} ${r.runbook.padEnd(8)} ${r.environment.padEnd(6)} ${r.service.padEnd(16)} ${r.from.image} → ${r.to.image}  ${r.workflowId}${who ? `  (${who})` : ''}`,
    );
  }
  return 0;
}

export const deploymentsVerb: Verb = {
  name: 'deployments',
  summary: 'the deployment history, newest first',
  flags: {
    service: { type: 'string', value: 'S', help: 'only this service' },
    env: { type: 'string', value: 'E', help: 'only this environment' },
    limit: { type: 'string', value: 'N', help: 'at most N rows (default: 50)' },
  },
  json: true,
  run: deploymentsCommand,
};
