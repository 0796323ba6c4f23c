/**
 * Converges Temporal Schedules on the config: creates missing ones, updates changed ones, deletes the ones
 * atc-ops created that the config no longer has (memo managedBy=atc-ops). Overlap policy SKIP: a run that is
 * still going when the next one is due makes the next one skip, never pile up.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { AtcConfig } from '../../config';
import { environmentKey, runbookKey } from '../../runbooks/shared/messages';
import { desiredSchedules, type DesiredSchedule } from './kinds';

export const MANAGED_BY = 'atc-ops';
const NOTE_PREFIX = 'atc-ops schedule ';

export interface AppliedSchedule {
  scheduleId: string;
  change: 'created' | 'updated' | 'unchanged' | 'deleted';
  schedule?: DesiredSchedule;
}

/** The note carries the desired definition: the server turns cron into calendars, and a memo cannot be updated. */
export function noteOf(d: DesiredSchedule, taskQueue: string): string {
  return NOTE_PREFIX + JSON.stringify({ ...d, taskQueue });
}

export function parseNote(note: string | undefined): DesiredSchedule | undefined {
  if (!note?.startsWith(NOTE_PREFIX)) return undefined;
  try {
    return JSON.parse(note.slice(NOTE_PREFIX.length)) as DesiredSchedule;
  } catch {
    return undefined;
  }
}

function definition(
  d: DesiredSchedule,
  taskQueue: string,
): ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<Workflow>> & { state: { note: string } } {
  const typedSearchAttributes = [
    { key: runbookKey, value: d.runbook },
    ...(d.environment ? [{ key: environmentKey, value: d.environment }] : []),
  ];
  return {
    spec: { cronExpressions: [d.cron], timezone: d.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: d.workflowType,
      workflowId: d.workflowId,
      taskQueue,
      args: d.args,
      typedSearchAttributes,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: { note: noteOf(d, taskQueue) },
  };
}

async function describeOrUndefined(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

async function applyOne(client: Client, d: DesiredSchedule, defaultTaskQueue: string): Promise<AppliedSchedule> {
  const def = definition(d, d.taskQueue ?? defaultTaskQueue);
  const existing = await describeOrUndefined(client, d.scheduleId);
  if (!existing) {
    try {
      await client.schedule.create({ scheduleId: d.scheduleId, ...def, memo: { managedBy: MANAGED_BY, kind: d.kind } });
      return { scheduleId: d.scheduleId, change: 'created', schedule: d };
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err; // created meanwhile: converge by updating it
    }
  }
  if (existing?.state.note === def.state.note) return { scheduleId: d.scheduleId, change: 'unchanged', schedule: d };
  await client.schedule
    .getHandle(d.scheduleId)
    .update((prev) => ({ ...def, state: { ...def.state, paused: prev.state.paused } }));
  return { scheduleId: d.scheduleId, change: 'updated', schedule: d };
}

/** Schedules atc-ops created earlier (visibility list; it may lag a moment behind a create). */
export async function managedScheduleIds(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) if (s.memo?.managedBy === MANAGED_BY) ids.push(s.scheduleId);
  return ids;
}

export async function applySchedules(client: Client, config: AtcConfig): Promise<AppliedSchedule[]> {
  return applyDesiredSchedules(client, desiredSchedules(config), config.temporal.taskQueue);
}

/** Makes the managed schedules exactly `desired`: create or update each, delete the other managed ones. */
export async function applyDesiredSchedules(
  client: Client,
  desired: DesiredSchedule[],
  taskQueue: string,
): Promise<AppliedSchedule[]> {
  const results: AppliedSchedule[] = [];
  for (const d of desired) results.push(await applyOne(client, d, taskQueue));
  const wanted = new Set(desired.map((d) => d.scheduleId));
  for (const id of await managedScheduleIds(client)) {
    if (wanted.has(id)) continue;
    await client.schedule
      .getHandle(id)
      .delete()
      .catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
    results.push({ scheduleId: id, change: 'deleted' });
  }
  return results;
}

/** The definitions of the managed schedules as they are now (from their notes), e.g. to put them back later. */
export async function currentManagedSchedules(client: Client): Promise<DesiredSchedule[]> {
  const out: DesiredSchedule[] = [];
  for (const id of await managedScheduleIds(client)) {
    const d = await client.schedule
      .getHandle(id)
      .describe()
      .catch(() => undefined);
    const def = parseNote(d?.state.note);
    if (def) out.push(def);
  }
  return out;
}
