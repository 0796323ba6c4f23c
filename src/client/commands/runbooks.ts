/** `atc run|approve|reject|cancel`: drive runbooks through Temporal (`list` and `show` are in inspect.ts). */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { BadInputError } from '../../errors';
import { describeIssues } from '../../runbooks/shared/names';
import {
  approveUpdate,
  environmentKey,
  progressQuery,
  rejectUpdate,
  runbookKey,
  serviceKey,
} from '../../runbooks/shared/messages';
import type { Ctx, Verb } from '../context';
import { RUNBOOKS } from '../runbookCatalogue';
import { failureText } from '../../runbooks/shared/failures';
import { renderProgress } from './inspect';
import { configProblems } from '../../runbooks/shared/cli';
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

async function runCommand(ctx: Ctx): Promise<number> {
  const [name, ...rest] = ctx.positionals;
  const entry = name ? RUNBOOKS[name] : undefined;
  if (!name || !entry) throw new BadInputError(`${ctx.usage()}; runbooks: ${Object.keys(RUNBOOKS).join(', ')}`);
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
    .start(entry.workflowType, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: new TypedSearchAttributes(attrs),
    })
    .catch((err: unknown) => (err instanceof WorkflowExecutionAlreadyStartedError ? undefined : Promise.reject(err)));
  if (!handle) return alreadyRunning(ctx, client, name, workflowId); // a runbook with a fixed id (deploy-<env>-<service>) runs once at a time
  if (!ctx.flags.json)
    ctx.err(
      `started ${name}: ${workflowId} (${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${workflowId})`,
    );
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
    ctx.out(
      ctx.flags.json
        ? JSON.stringify({ workflowId, failed: true, reason: failureText(err) })
        : `${name} failed: ${failureText(err)}`,
    );
    return 1;
  }
}

async function alreadyRunning(ctx: Ctx, client: Client, name: string, workflowId: string): Promise<number> {
  const running = await client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  const detail = `${workflowId} is already running${running ? ` (run ${running.runId}, started ${running.startTime.toISOString()})` : ''}`;
  ctx.out(
    ctx.flags.json
      ? JSON.stringify({ workflowId, runId: running?.runId, outcome: 'refused', rule: 'one-at-a-time', detail })
      : `${name} refused by rule one-at-a-time: ${detail}`,
  );
  return 1;
}

async function decideCommand(ctx: Ctx, decision: 'approve' | 'reject'): Promise<number> {
  const [id] = ctx.positionals;
  const actor = typeof ctx.flags.as === 'string' ? ctx.flags.as.trim() : '';
  if (!id || !actor || ctx.positionals.length > 1) throw new BadInputError(ctx.usage());
  const client: Client = await connectClient(ctx.config());
  const comment = typeof ctx.flags.comment === 'string' ? ctx.flags.comment : undefined;
  try {
    await client.workflow
      .getHandle(id)
      .executeUpdate(decision === 'approve' ? approveUpdate : rejectUpdate, { args: [{ actor, comment }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw new BadInputError(`${decision} refused: ${err.cause?.message ?? err.message}`);
    throw err;
  }
  ctx.out(`${decision}d ${id} as ${actor}`);
  return 0;
}

async function cancelCommand(ctx: Ctx): Promise<number> {
  const [id] = ctx.positionals;
  if (!id || ctx.positionals.length > 1) throw new BadInputError(ctx.usage());
  const client = await connectClient(ctx.config());
  await client.workflow.getHandle(id).cancel();
  ctx.out(`cancellation requested for ${id}`);
  return 0;
}

export const runVerb: Verb = {
  name: 'run',
  args: '<runbook>',
  summary: "starts a runbook and waits for its result; each runbook's own flags: atc run <runbook> --help",
  flags: {
    input: { type: 'string', value: 'JSON', help: "the runbook's whole input as a JSON object, instead of its flags" },
    id: { type: 'string', value: 'ID', help: 'the workflow id (default: one made from the input and the time)' },
    follow: { type: 'boolean', help: 'print each step as it happens' },
    detach: { type: 'boolean', help: 'only start it; print the workflow id' },
  },
  json: true,
  run: runCommand,
};

const decisionFlags = {
  as: {
    type: 'string',
    value: '<who>',
    required: true,
    help: 'who decides (an approver of the environment, not the requester)',
  },
  comment: { type: 'string', value: 'C', help: 'why' },
} as const;
export const approveVerb: Verb = {
  name: 'approve',
  args: '<workflow-id>',
  summary: 'approves a runbook waiting for a person (deploy or bot-resume in live, restore over a protected database)',
  flags: decisionFlags,
  run: (ctx) => decideCommand(ctx, 'approve'),
};
export const rejectVerb: Verb = {
  ...approveVerb,
  name: 'reject',
  summary: 'rejects a runbook waiting for a person',
  run: (ctx) => decideCommand(ctx, 'reject'),
};
export const cancelVerb: Verb = {
  name: 'cancel',
  args: '<workflow-id>',
  summary: 'requests the cancellation of an execution',
  flags: {},
  run: cancelCommand,
};
