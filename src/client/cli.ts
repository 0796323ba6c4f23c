/**
 * The `atc` command line. Exit codes: 0 ok, 1 runbook failed, 2 bad input, 3 infrastructure unreachable.
 * Every verb validates its input before it touches anything; --json on every read verb.
 * Each verb declares its own flags (commands/*.ts; a runbook's `atc run` flags in its cli.ts): argv is parsed with
 * those of its verb only, and the usage text is made from them (usage.ts).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configPath, loadConfig, type AtcConfig } from '../config';
import { AtcError, BadInputError, errorMessage } from '../errors';
import { str, type FlagSpecs, type Flags } from '../runbooks/shared/cli';
import { backupsVerb } from './commands/backups';
import { deploymentsVerb } from './commands/deployments';
import { incidentVerbs } from './commands/incidents';
import { listVerb, showVerb } from './commands/inspect';
import { rigVerb, simVerb } from './commands/rig';
import { approveVerb, cancelVerb, rejectVerb, runVerb } from './commands/runbooks';
import { schedulesVerb } from './commands/schedules';
import { serveVerb, upVerb } from './commands/serve';
import type { Ctx, Verb } from './context';
import { readRigState } from './rig/state';
import { RUNBOOKS } from './runbookCatalogue';
import { isTemporalUnavailable } from './temporalClient';
import { flagText, fullUsage, usageLine, verbFlags, verbUsage, type NamedRunbook } from './usage';

export const VERBS: readonly Verb[] = [
  ...[rigVerb, simVerb, serveVerb, upVerb, runVerb, listVerb, showVerb, approveVerb, rejectVerb, cancelVerb],
  ...[schedulesVerb, deploymentsVerb, ...incidentVerbs, backupsVerb],
];
export const NAMED_RUNBOOKS: readonly NamedRunbook[] = Object.entries(RUNBOOKS).map(([name, entry]) => ({
  name,
  entry,
}));

/** What the command line asks for: a text to print (help, or no verb at all) or a verb to run with its flags. */
export type CommandLine =
  | { kind: 'usage'; text: string; code: 0 | 2 }
  | { kind: 'verb'; verb: Verb; runbook?: NamedRunbook; flags: Flags; positionals: string[] };

const parseOptions = (flags: FlagSpecs): NonNullable<ParseArgsConfig['options']> =>
  Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [name, f.short ? { type: f.type, short: f.short } : { type: f.type }]),
  );

/** Every flag any verb or runbook declares: only to find the verb (and the runbook) wherever the flags stand. */
const ANY_FLAG: FlagSpecs = Object.assign(
  {},
  ...VERBS.map((v) => verbFlags(v)),
  ...NAMED_RUNBOOKS.map((r) => r.entry.flags),
) as FlagSpecs;

/**
 * Parses argv with the flags of its verb only (for `run`, the verb's and the chosen runbook's): a flag the verb does
 * not take, a required flag missing, an unknown verb or runbook is bad input (exit 2) with the verb's usage.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const scan = parseArgs({ args: argv, options: parseOptions(ANY_FLAG), allowPositionals: true, strict: false });
  const [name, runbookName] = scan.positionals;
  const full = fullUsage(VERBS, NAMED_RUNBOOKS);
  if (!name) return { kind: 'usage', text: full, code: scan.values.help === true ? 0 : 2 };
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) throw new BadInputError(`unknown verb "${name}"\n${full}`);
  const runbooks = `runbooks: ${NAMED_RUNBOOKS.map((r) => r.name).join(', ')}`;
  const runbook =
    verb === runVerb && runbookName !== undefined ? NAMED_RUNBOOKS.find((r) => r.name === runbookName) : undefined;
  if (verb === runVerb && runbookName !== undefined && !runbook)
    throw new BadInputError(`unknown runbook "${runbookName}"; ${runbooks}\n${verbUsage(verb, NAMED_RUNBOOKS)}`);
  const usage = verbUsage(verb, NAMED_RUNBOOKS, runbook);
  if (scan.values.help === true) return { kind: 'usage', text: usage, code: 0 };
  if (verb === runVerb && !runbook) throw new BadInputError(`${usageLine(verb)}; ${runbooks}`);
  const label = runbook ? `${verb.name} ${runbook.name}` : verb.name;
  const flags = verbFlags(verb, runbook);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseOptions(flags), allowPositionals: true, strict: true });
  } catch (err) {
    const text = String((err as { message?: unknown }).message ?? err); // node's own TypeError: not this realm's under jest
    const unknown = /Unknown option '([^']+)'/.exec(text);
    if (unknown) throw new BadInputError(`${label} does not take ${unknown[1]} (${unknown[0]})\n${usage}`);
    throw new BadInputError(`${label}: ${text}\n${usage}`);
  }
  const values = parsed.values as Flags;
  // --input stands for the runbook's flags: then none of them is required
  const mustHave = { ...(values.input === undefined ? runbook?.entry.flags : {}), ...verb.flags };
  const missing = Object.entries(mustHave).filter(([n, f]) => f.required && values[n] === undefined);
  if (missing.length)
    throw new BadInputError(`${label} needs ${missing.map(([n, f]) => flagText(n, f)).join(', ')}\n${usage}`);
  return { kind: 'verb', verb, runbook, flags: values, positionals: parsed.positionals.slice(1) };
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof AtcError) return err.kind === 'bad-input' ? 2 : err.kind === 'unreachable' ? 3 : 1;
  if (isTemporalUnavailable(err)) return 3;
  return 1;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}
const processIo: CliIo = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    if (line.kind === 'usage') {
      io.out(line.text);
      return line.code;
    }
    let cached: AtcConfig | undefined;
    const explicit = str(line.flags.config);
    const ctx: Ctx = {
      flags: line.flags,
      positionals: line.positionals,
      config: () => (cached ??= loadConfig(configPath(explicit) ?? readRigState()?.configPath)),
      out: io.out,
      err: io.err,
      usage: () => usageLine(line.verb, line.runbook),
    };
    return await line.verb.run(ctx);
  } catch (err) {
    io.err(`atc: ${errorMessage(err)}`);
    return exitCodeOf(err);
  }
}
