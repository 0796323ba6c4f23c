/** `atc schedules apply|list [--json]`: Temporal Schedules from the config (see src/client/schedules). */
import { BadInputError } from '../../errors';
import type { Ctx, Verb } from '../context';
import { applySchedules } from '../schedules/apply';
import { listSchedules } from '../schedules/list';
import { connectClient } from '../temporalClient';

async function schedulesCommand(ctx: Ctx): Promise<number> {
  const [action, ...rest] = ctx.positionals;
  if (rest.length || (action !== 'apply' && action !== 'list')) throw new BadInputError(ctx.usage());
  const config = ctx.config();
  const client = await connectClient(config);
  try {
    if (action === 'apply') {
      const applied = await applySchedules(client, config);
      if (ctx.flags.json) ctx.out(JSON.stringify(applied, null, 2));
      else if (applied.length === 0) ctx.out('no schedules configured (config key `schedules`) and none to remove');
      else
        for (const a of applied)
          ctx.out(
            `${a.change.padEnd(9)} ${a.scheduleId}${a.schedule ? `  "${a.schedule.cron}" ${a.schedule.timezone}` : ''}`,
          );
      return 0;
    }
    const rows = await listSchedules(client, config);
    if (ctx.flags.json) {
      ctx.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) ctx.out('no schedules configured (config key `schedules`) and none applied');
    for (const r of rows) {
      const state = !r.exists
        ? 'NOT APPLIED'
        : !r.inConfig
          ? 'NOT IN CONFIG'
          : !r.upToDate
            ? 'OUTDATED'
            : r.paused
              ? 'paused'
              : 'active';
      const when = r.cron ? `"${r.cron}" ${r.timezone ?? ''}` : '';
      ctx.out(
        `${r.scheduleId.padEnd(24)} ${state.padEnd(13)} ${when.padEnd(30)} next ${r.nextRuns[0] ?? '—'}  last ${r.recentRuns.at(-1)?.workflowId ?? '—'}`,
      );
    }
    return 0;
  } finally {
    await client.connection.close();
  }
}

export const schedulesVerb: Verb = {
  name: 'schedules',
  args: 'apply|list',
  summary: 'Temporal Schedules from the config (daily check per environment, restore-test, …): apply them, list them',
  flags: {},
  json: true,
  run: schedulesCommand,
};
