/** `atc list|show`: find runbook executions and read one back (its steps, its result rendered, or why it failed). */
import { WorkflowFailedError } from '@temporalio/client';
import { BadInputError, errorMessage } from '../../errors';
import { failureText } from '../../runbooks/shared/failures';
import { environmentKey, progressQuery, runbookKey, type Progress } from '../../runbooks/shared/messages';
import type { Ctx, Verb } from '../context';
import { runbookOfType } from '../runbookCatalogue';
import { connectClient } from '../temporalClient';

export function renderProgress(p: Progress, seen: Set<string>, out: (t: string) => void): void {
  for (const s of p.steps) {
    const key = `${s.name}|${s.status}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out(`  [${s.status}] ${s.name}${s.detail ? ` — ${s.detail}` : ''}`);
  }
  if (p.waitingFor && !seen.has(`wait|${p.waitingFor}`)) {
    seen.add(`wait|${p.waitingFor}`);
    out(`  waiting for ${p.waitingFor}`);
  }
}

async function listCommand(ctx: Ctx): Promise<number> {
  const config = ctx.config();
  const client = await connectClient(config);
  const clauses: string[] = [];
  const q = (s: string) => `'${s.replace(/'/g, '')}'`;
  if (typeof ctx.flags.runbook === 'string') clauses.push(`AtcRunbook = ${q(ctx.flags.runbook)}`);
  if (typeof ctx.flags.env === 'string') clauses.push(`AtcEnvironment = ${q(ctx.flags.env)}`);
  if (ctx.flags.open) clauses.push(`ExecutionStatus = 'Running'`);
  const limit = Number(ctx.flags.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new BadInputError('--limit must be a whole number from 1 to 1000');
  const rows: {
    workflowId: string;
    type: string;
    status: string;
    start: string;
    runbook?: string;
    environment?: string;
  }[] = [];
  for await (const w of client.workflow.list({ query: clauses.join(' AND ') || undefined })) {
    rows.push({
      workflowId: w.workflowId,
      type: w.type,
      status: w.status.name,
      start: w.startTime.toISOString(),
      runbook: w.typedSearchAttributes.get(runbookKey),
      environment: w.typedSearchAttributes.get(environmentKey),
    });
    if (rows.length >= limit) break;
  }
  if (ctx.flags.json) ctx.out(JSON.stringify(rows, null, 2));
  else
    for (const r of rows)
      ctx.out(
        `${r.start}  ${r.status.padEnd(10)} ${(r.runbook ?? r.type).padEnd(14)} ${(r.environment ?? '').padEnd(6)} ${r.workflowId}`,
      );
  return 0;
}

async function showCommand(ctx: Ctx): Promise<number> {
  const [id] = ctx.positionals;
  if (!id || ctx.positionals.length > 1) throw new BadInputError(ctx.usage());
  const client = await connectClient(ctx.config());
  const handle = client.workflow.getHandle(id);
  const d = await handle.describe().catch((err: unknown) => {
    if (/not found/i.test(errorMessage(err))) throw new BadInputError(`no workflow with id ${id}`);
    throw err;
  });
  const progress = await handle.query(progressQuery).catch(() => undefined);
  let result: unknown;
  let failure: string | undefined;
  if (d.status.name === 'COMPLETED') result = await handle.result();
  else if (d.status.name === 'FAILED')
    await handle.result().catch((e: WorkflowFailedError) => (failure = failureText(e)));
  if (ctx.flags.json) {
    ctx.out(
      JSON.stringify(
        {
          workflowId: id,
          type: d.type,
          status: d.status.name,
          start: d.startTime,
          close: d.closeTime,
          progress,
          result,
          failure,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  ctx.out(`${id}  ${d.type}  ${d.status.name}  started ${d.startTime.toISOString()}`);
  if (progress) renderProgress(progress, new Set(), ctx.out);
  const entry = runbookOfType(d.type)?.[1];
  if (result !== undefined) ctx.out(entry ? entry.render(result) : JSON.stringify(result, null, 2));
  if (failure) ctx.out(`failed: ${failure}`);
  return 0;
}

export const listVerb: Verb = {
  name: 'list',
  summary: 'runbook executions, newest first',
  flags: {
    runbook: { type: 'string', value: 'R', help: 'only this runbook' },
    env: { type: 'string', value: 'E', help: 'only this environment' },
    open: { type: 'boolean', help: 'only the running ones' },
    limit: { type: 'string', value: 'N', help: 'at most N rows (default: 20)' },
  },
  json: true,
  run: listCommand,
};
export const showVerb: Verb = {
  name: 'show',
  args: '<workflow-id>',
  summary: 'one execution: its steps, its result rendered, or why it failed',
  flags: {},
  json: true,
  run: showCommand,
};
