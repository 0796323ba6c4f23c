/** `atc run|list|show|approve|reject|cancel`: drive runbooks through Temporal. */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { BadInputError, errorMessage } from '../../errors';
import { describeIssues } from '../../workflows/inputs';
import { approveUpdate, environmentKey, progressQuery, rejectUpdate, runbookKey, serviceKey, type Progress } from '../../workflows/messages';
import type { Ctx } from '../cli';
import { RUNBOOKS, runbookOfType } from '../runbooks';
import { configProblems } from '../runbooks/entry';
import { connectClient } from '../temporalClient';

function parseJsonInput(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new BadInputError('--input must be a JSON object');
}

function renderProgress(p: Progress, seen: Set<string>, out: (t: string) => void): void {
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

async function followUntilDone(handle: WorkflowHandle, out: (t: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const d = await handle.describe();
    try {
      renderProgress(await handle.query(progressQuery), seen, out);
    } catch {
      /* no worker has picked it up yet */
    }
    if (d.status.name !== 'RUNNING') return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runCommand(ctx: Ctx): Promise<number> {
  const [name, ...rest] = ctx.positionals;
  const entry = name ? RUNBOOKS[name] : undefined;
  if (!name || !entry) throw new BadInputError(`usage: atc run <runbook>; runbooks: ${Object.keys(RUNBOOKS).join(', ')}`);
  if (rest.length) throw new BadInputError(`unexpected arguments: ${rest.join(' ')}`);
  const raw = typeof ctx.flags.input === 'string' ? parseJsonInput(ctx.flags.input) : entry.fromFlags(ctx.flags);
  const parsed = entry.input.safeParse(raw);
  if (!parsed.success) throw new BadInputError(`invalid input for ${name}: ${describeIssues(parsed.error)}`);
  const input = parsed.data as Record<string, unknown>;
  const config = ctx.config();
  const problems = configProblems(input, config);
  if (problems.length) throw new BadInputError(`invalid input for ${name}: ${problems.join('; ')}`);
  const client = await connectClient(config);
  const workflowId = typeof ctx.flags.id === 'string' ? ctx.flags.id : entry.workflowId(input, new Date());
  const attrs: ConstructorParameters<typeof TypedSearchAttributes>[0] = [{ key: runbookKey, value: name }];
  if (typeof input.environment === 'string') attrs.push({ key: environmentKey, value: input.environment });
  if (typeof input.service === 'string') attrs.push({ key: serviceKey, value: input.service });
  const handle = await client.workflow
    .start(entry.workflowType, { taskQueue: config.temporal.taskQueue, workflowId, args: [input], typedSearchAttributes: new TypedSearchAttributes(attrs) })
    .catch((err: unknown) => (err instanceof WorkflowExecutionAlreadyStartedError ? undefined : Promise.reject(err)));
  if (!handle) return alreadyRunning(ctx, client, name, workflowId); // a runbook with a fixed id (deploy-<env>-<service>) runs once at a time
  if (!ctx.flags.json) ctx.err(`started ${name}: ${workflowId} (${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${workflowId})`);
  if (ctx.flags.detach) {
    ctx.out(ctx.flags.json ? JSON.stringify({ workflowId, runId: handle.firstExecutionRunId }) : workflowId);
    return 0;
  }
  if (ctx.flags.follow) await followUntilDone(handle, ctx.err);
  try {
    const result: unknown = await handle.result();
    ctx.out(ctx.flags.json ? JSON.stringify(result, null, 2) : entry.render(result));
    return entry.failed(result) ? 1 : 0;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    ctx.out(ctx.flags.json ? JSON.stringify({ workflowId, failed: true, reason: failureText(err) }) : `${name} failed: ${failureText(err)}`);
    return 1;
  }
}

async function alreadyRunning(ctx: Ctx, client: Client, name: string, workflowId: string): Promise<number> {
  const running = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
  const detail = `${workflowId} is already running${running ? ` (run ${running.runId}, started ${running.startTime.toISOString()})` : ''}`;
  ctx.out(ctx.flags.json ? JSON.stringify({ workflowId, runId: running?.runId, outcome: 'refused', rule: 'one-at-a-time', detail }) : `${name} refused by rule one-at-a-time: ${detail}`);
  return 1;
}

function failureText(err: WorkflowFailedError): string {
  const cause = err.cause as (Error & { cause?: Error }) | undefined;
  return cause?.cause?.message ?? cause?.message ?? err.message;
}

export async function listCommand(ctx: Ctx): Promise<number> {
  const config = ctx.config();
  const client = await connectClient(config);
  const clauses: string[] = [];
  const q = (s: string) => `'${s.replace(/'/g, '')}'`;
  if (typeof ctx.flags.runbook === 'string') clauses.push(`AtcRunbook = ${q(ctx.flags.runbook)}`);
  if (typeof ctx.flags.env === 'string') clauses.push(`AtcEnvironment = ${q(ctx.flags.env)}`);
  if (ctx.flags.open) clauses.push(`ExecutionStatus = 'Running'`);
  const limit = Number(ctx.flags.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadInputError('--limit must be a whole number from 1 to 1000');
  const rows: { workflowId: string; type: string; status: string; start: string; runbook?: string; environment?: string }[] = [];
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
  else for (const r of rows) ctx.out(`${r.start}  ${r.status.padEnd(10)} ${(r.runbook ?? r.type).padEnd(14)} ${(r.environment ?? '').padEnd(6)} ${r.workflowId}`);
  return 0;
}

export async function showCommand(ctx: Ctx): Promise<number> {
  const [id] = ctx.positionals;
  if (!id || ctx.positionals.length > 1) throw new BadInputError('usage: atc show <workflow-id> [--json]');
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
  else if (d.status.name === 'FAILED') await handle.result().catch((e: WorkflowFailedError) => (failure = failureText(e)));
  if (ctx.flags.json) {
    ctx.out(JSON.stringify({ workflowId: id, type: d.type, status: d.status.name, start: d.startTime, close: d.closeTime, progress, result, failure }, null, 2));
    return 0;
  }
  ctx.out(`${id}  ${d.type}  ${d.status.name}  started ${d.startTime.toISOString()}`);
  if (progress) renderProgress(progress, new Set(), ctx.out);
  const entry = runbookOfType(d.type)?.[1];
  if (result !== undefined) ctx.out(entry ? entry.render(result) : JSON.stringify(result, null, 2));
  if (failure) ctx.out(`failed: ${failure}`);
  return 0;
}

export async function decideCommand(ctx: Ctx, decision: 'approve' | 'reject'): Promise<number> {
  const [id] = ctx.positionals;
  const actor = typeof ctx.flags.as === 'string' ? ctx.flags.as.trim() : '';
  if (!id || !actor || ctx.positionals.length > 1) throw new BadInputError(`usage: atc ${decision} <workflow-id> --as <who> [--comment C]`);
  const client: Client = await connectClient(ctx.config());
  const comment = typeof ctx.flags.comment === 'string' ? ctx.flags.comment : undefined;
  try {
    await client.workflow.getHandle(id).executeUpdate(decision === 'approve' ? approveUpdate : rejectUpdate, { args: [{ actor, comment }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new BadInputError(`${decision} refused: ${err.cause?.message ?? err.message}`);
    throw err;
  }
  ctx.out(`${decision}d ${id} as ${actor}`);
  return 0;
}

export async function cancelCommand(ctx: Ctx): Promise<number> {
  const [id] = ctx.positionals;
  if (!id || ctx.positionals.length > 1) throw new BadInputError('usage: atc cancel <workflow-id>');
  const client = await connectClient(ctx.config());
  await client.workflow.getHandle(id).cancel();
  ctx.out(`cancellation requested for ${id}`);
  return 0;
}
