/** `atc rig up|down|status` and `atc sim fault|clear|state`. */
import { BadInputError } from '../../errors';
import type { Ctx, Verb } from '../context';
import { rigDown, rigStatus, rigUp } from '../rig/rig';
import { clearFaults, injectFault, simState } from '../rig/sims';
import { readRigState, type SimTarget } from '../rig/state';

async function rigCommand(ctx: Ctx): Promise<number> {
  const [action, ...rest] = ctx.positionals;
  if (rest.length) throw new BadInputError(`unexpected arguments: ${rest.join(' ')}`);
  const log = ctx.flags.json ? () => undefined : ctx.out;
  if (action === 'up') {
    const state = await rigUp({ service: !ctx.flags['no-service'], log });
    if (ctx.flags.json)
      ctx.out(JSON.stringify({ ports: state.ports, versions: state.versions, configPath: state.configPath }, null, 2));
    else
      ctx.out(
        `rig is up. Config: ${state.configPath}\nTemporal UI: http://127.0.0.1:${state.ports.temporalUi}\nStop it with: npx atc rig down`,
      );
    return 0;
  }
  if (action === 'down') {
    const survivors = await rigDown(log);
    if (survivors.length) {
      ctx.err(`rig down left processes running:\n${survivors.join('\n')}`);
      return 1;
    }
    if (!ctx.flags.json) ctx.out('rig is down (no process left)');
    return 0;
  }
  if (action === 'status') {
    const s = await rigStatus();
    if (ctx.flags.json)
      ctx.out(JSON.stringify({ up: s.up, parts: s.parts, versions: s.state?.versions ?? {} }, null, 2));
    else if (!s.state) ctx.out('rig: not up');
    else {
      for (const p of s.parts)
        ctx.out(
          `${p.ready ? 'up  ' : 'DOWN'} ${p.part.padEnd(14)} ${p.pid ? `pid ${p.pid}`.padEnd(11) : ''.padEnd(11)} ${p.endpoint ?? ''}`,
        );
      for (const [k, v] of Object.entries(s.state.versions)) ctx.out(`     ${k.padEnd(14)} ${v}`);
    }
    return s.up ? 0 : 3;
  }
  throw new BadInputError(ctx.usage());
}

export const rigVerb: Verb = {
  name: 'rig',
  args: 'up|down|status',
  summary: 'the local rig (Temporal, PostgreSQL, dockerd, Prometheus, Alertmanager, simulators)',
  flags: { 'no-service': { type: 'boolean', help: 'rig up without the atc-ops service' } },
  json: true,
  run: rigCommand,
};

function simTargets(name?: string): SimTarget[] {
  const state = readRigState();
  if (!state) throw new BadInputError('the rig is not up: run `npx atc rig up` first');
  if (!name) return state.sims;
  const target = state.sims.find((s) => s.service === name);
  if (!target)
    throw new BadInputError(`unknown simulator "${name}"; one of: ${state.sims.map((s) => s.service).join(', ')}`);
  return [target];
}

async function simCommand(ctx: Ctx): Promise<number> {
  const [action, target, kind, ...rest] = ctx.positionals;
  if (rest.length) throw new BadInputError(`unexpected arguments: ${rest.join(' ')}`);
  if (action === 'fault') {
    if (!target || !kind) throw new BadInputError(ctx.usage());
    const [t] = simTargets(target);
    await injectFault(t!, kind);
    ctx.out(`${t!.service}: fault ${kind} injected`);
    return 0;
  }
  if (action === 'clear' || action === 'state') {
    if (kind) throw new BadInputError(ctx.usage());
    const targets = simTargets(target);
    if (action === 'clear') {
      await Promise.all(targets.map((t) => clearFaults(t)));
      ctx.out(`faults cleared on ${targets.map((t) => t.service).join(', ')}`);
      return 0;
    }
    const states = await Promise.all(targets.map(async (t) => ({ service: t.service, state: await simState(t) })));
    ctx.out(JSON.stringify(states, null, ctx.flags.json ? 0 : 2));
    return 0;
  }
  throw new BadInputError(ctx.usage());
}

export const simVerb: Verb = {
  name: 'sim',
  args: 'fault <target> <kind> | clear [<target>] | state [<target>]',
  summary: "the simulators' faults: inject one, clear them, read their state",
  flags: {},
  json: true,
  run: simCommand,
};
