/** `atc incidents | incident open | ack | note | resolve`: incidents through Temporal (visibility, queries, updates). */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { BadInputError, errorMessage } from '../../errors';
import { describeIssues } from '../../runbooks/shared/names';
import { ackUpdate, incidentInput, incidentQuery, noteUpdate, resolveUpdate } from '../../runbooks/incident/contract';
import { environmentKey, runbookKey, serviceKey, severityKey } from '../../runbooks/shared/messages';
import type { Ctx, Verb } from '../context';
import { incidentEntry } from '../../runbooks/incident/cli';
import { connectClient } from '../temporalClient';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface IncidentRow {
  workflowId: string;
  status: string; // Temporal execution status
  severity?: string;
  environment?: string;
  service?: string;
  start: string;
  close?: string;
  title?: string;
  acknowledgedBy?: string;
  firing?: number;
  alerts?: number;
}

async function incidentsCommand(ctx: Ctx): Promise<number> {
  if (ctx.positionals.length) throw new BadInputError(ctx.usage());
  const limit = Number(ctx.flags.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new BadInputError('--limit must be a whole number from 1 to 1000');
  const client = await connectClient(ctx.config());
  const q = (s: string) => `'${s.replace(/'/g, '')}'`;
  const clauses = [`AtcRunbook = 'incident'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (ctx.flags.open) clauses.push(`ExecutionStatus = 'Running'`);
  if (typeof ctx.flags.env === 'string') clauses.push(`AtcEnvironment = ${q(ctx.flags.env)}`);
  const rows: IncidentRow[] = [];
  for await (const w of client.workflow.list({ query: clauses.join(' AND ') })) {
    const sa = w.typedSearchAttributes;
    rows.push({
      ...{
        workflowId: w.workflowId,
        status: w.status.name,
        start: w.startTime.toISOString(),
        close: w.closeTime?.toISOString(),
      },
      ...{ severity: sa.get(severityKey), environment: sa.get(environmentKey), service: sa.get(serviceKey) },
    });
    if (rows.length >= limit) break;
  }
  await Promise.all(
    rows
      .filter((r) => r.status === 'RUNNING')
      .map(async (r) => {
        const v = await client.workflow
          .getHandle(r.workflowId)
          .query(incidentQuery)
          .catch(() => undefined);
        if (v)
          Object.assign(r, {
            title: v.title,
            acknowledgedBy: v.ack?.actor,
            firing: v.alerts.filter((a) => a.status === 'firing').length,
            alerts: v.alerts.length,
            severity: v.severity,
          });
      }),
  );
  if (ctx.flags.json) ctx.out(JSON.stringify(rows, null, 2));
  else
    for (const r of rows) {
      const ack = r.status === 'RUNNING' ? (r.acknowledgedBy ? `ack ${r.acknowledgedBy}` : 'NOT ACKED') : '';
      const firing = r.firing !== undefined ? `${r.firing}/${r.alerts} firing` : '';
      ctx.out(
        `${r.start}  ${r.status.padEnd(10)} ${(r.severity ?? '').padEnd(8)} ${(r.environment ?? '').padEnd(6)} ${r.workflowId}  ${[ack, firing, r.title].filter(Boolean).join('  ')}`,
      );
    }
  return 0;
}

async function openCommand(ctx: Ctx): Promise<number> {
  const [sub, ...rest] = ctx.positionals;
  if (sub !== 'open' || rest.length) throw new BadInputError(ctx.usage());
  const parsed = incidentInput.safeParse(incidentEntry.fromFlags(ctx.flags));
  if (!parsed.success) throw new BadInputError(`invalid incident: ${describeIssues(parsed.error)}`);
  const input = parsed.data;
  if (input.source !== 'manual') throw new BadInputError('atc incident open opens manual incidents only');
  const config = ctx.config();
  const client = await connectClient(config);
  const workflowId = incidentEntry.workflowId(input, new Date());
  await client.workflow.start('incident', {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: runbookKey, value: 'incident' },
      { key: environmentKey, value: input.environment },
      { key: severityKey, value: input.severity },
    ]),
  });
  ctx.out(ctx.flags.json ? JSON.stringify({ workflowId }) : workflowId);
  if (!ctx.flags.json) ctx.err(`opened incident ${workflowId}; acknowledge with: atc ack ${workflowId} --as <who>`);
  return 0;
}

/** Runs one update; a validator's refusal or a closed/unknown incident is bad input (exit 2). */
async function update<T>(ctx: Ctx, run: (client: Client, id: string, actor: string) => Promise<T>): Promise<T> {
  const [id, ...rest] = ctx.positionals;
  const actor = str(ctx.flags.as);
  if (!id || rest.length || !actor) throw new BadInputError(ctx.usage());
  const client = await connectClient(ctx.config());
  try {
    return await run(client, id, actor);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw new BadInputError(`refused: ${err.cause?.message ?? err.message}`);
    if (err instanceof WorkflowNotFoundError || /not found|already completed/i.test(errorMessage(err)))
      throw new BadInputError(`no open incident ${id}`);
    throw err;
  }
}

async function ackCommand(ctx: Ctx): Promise<number> {
  const comment = str(ctx.flags.comment) || undefined;
  const r = await update(ctx, (c, id, actor) =>
    c.workflow.getHandle(id).executeUpdate(ackUpdate, { args: [{ actor, comment }] }),
  );
  ctx.out(ctx.flags.json ? JSON.stringify(r) : `acknowledged ${ctx.positionals[0]} as ${r.actor}: ${r.detail}`);
  return 0;
}

async function noteCommand(ctx: Ctx): Promise<number> {
  const text = str(ctx.flags.text);
  if (!text) throw new BadInputError(ctx.usage());
  await update(ctx, (c, id, actor) => c.workflow.getHandle(id).executeUpdate(noteUpdate, { args: [{ actor, text }] }));
  ctx.out(`note recorded on ${ctx.positionals[0]}`);
  return 0;
}

async function resolveCommand(ctx: Ctx): Promise<number> {
  const summary = str(ctx.flags.summary);
  if (!summary) throw new BadInputError(ctx.usage());
  const r = await update(ctx, (c, id, actor) =>
    c.workflow.getHandle(id).executeUpdate(resolveUpdate, { args: [{ actor, summary }] }),
  );
  ctx.out(
    ctx.flags.json
      ? JSON.stringify(r)
      : `resolution of ${ctx.positionals[0]} recorded by ${r.actor}; it closes ${r.closesWhen === 'now' ? 'now' : `when ${r.closesWhen}`}`,
  );
  return 0;
}

const actorFlag = { type: 'string', value: '<who>', required: true, help: 'who you are' } as const;
export const incidentVerbs: Verb[] = [
  {
    name: 'incidents',
    summary: 'incidents, newest first (open ones with their ack and firing alerts)',
    flags: {
      open: { type: 'boolean', help: 'only the open ones' },
      env: { type: 'string', value: 'E', help: 'only this environment' },
      limit: { type: 'string', value: 'N', help: 'at most N rows (default: 50)' },
    },
    json: true,
    run: incidentsCommand,
  },
  {
    name: 'incident',
    args: 'open',
    summary: 'opens a manual incident',
    flags: incidentEntry.flags,
    json: true,
    run: openCommand,
  },
  {
    name: 'ack',
    args: '<id>',
    summary: 'acknowledges an incident: stops escalation, silences its group in Alertmanager',
    flags: { as: actorFlag, comment: { type: 'string', value: 'C', help: 'a comment on the timeline' } },
    json: true,
    run: ackCommand,
  },
  {
    name: 'note',
    args: '<id>',
    summary: "a note on an incident's timeline",
    flags: { as: actorFlag, text: { type: 'string', value: 'T', required: true, help: 'the note' } },
    run: noteCommand,
  },
  {
    name: 'resolve',
    args: '<id>',
    summary: 'resolves an incident with a summary (it closes once its alerts are resolved)',
    flags: { as: actorFlag, summary: { type: 'string', value: 'S', required: true, help: 'what happened' } },
    json: true,
    run: resolveCommand,
  },
];
