/** The usage text of `atc`, made from what the verbs and the runbooks declare (nothing here is written by hand). */
import type { FlagSpec, FlagSpecs, RunbookEntry } from '../runbooks/shared/cli';
import { GLOBAL_FLAGS, JSON_FLAG, type Verb } from './context';

/** A runbook by its `atc run` name. */
export interface NamedRunbook {
  name: string;
  entry: RunbookEntry;
}

/** Every flag a verb takes: the runbook's (for `run`), the verb's own, --json where it takes it, the global ones. */
export function verbFlags(verb: Verb, runbook?: NamedRunbook): FlagSpecs {
  return { ...runbook?.entry.flags, ...verb.flags, ...(verb.json ? { json: JSON_FLAG } : {}), ...GLOBAL_FLAGS };
}

export const flagText = (name: string, f: FlagSpec): string =>
  `--${name}${f.type === 'string' ? ` ${f.value ?? 'V'}` : ''}`;

/** `--as <who> [--comment C]`: required flags bare, optional ones in brackets; the global ones left out. */
const flagsSynopsis = (flags: FlagSpecs): string[] =>
  Object.entries(flags)
    .filter(([name]) => !(name in GLOBAL_FLAGS))
    .map(([name, f]) => (f.required ? flagText(name, f) : `[${flagText(name, f)}]`));

/** `approve <workflow-id> --as <who> [--comment C]`: the verb's positionals and its flags. */
const synopsis = (verb: Verb, runbook?: NamedRunbook): string =>
  [verb.name, runbook ? runbook.name : verb.args, ...flagsSynopsis(verbFlags(verb, runbook))].filter(Boolean).join(' ');

/** The line a verb's bad input ends with: `usage: atc <verb> …`. */
export const usageLine = (verb: Verb, runbook?: NamedRunbook): string => `usage: atc ${synopsis(verb, runbook)}`;

/** Two columns; a left side wider than `width` puts its right side on the next line. */
function table(rows: [string, string][], width = 46): string[] {
  const w = Math.min(width, Math.max(0, ...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) =>
    left.length <= w ? `  ${left.padEnd(w)}  ${right}` : `  ${left}\n  ${' '.repeat(w)}  ${right}`,
  );
}

/** `atc <verb> --help`, `atc run <runbook> --help`: the synopsis, what it does, one line per flag (and for `run`, the runbooks). */
export function verbUsage(verb: Verb, runbooks: readonly NamedRunbook[], runbook?: NamedRunbook): string {
  const flags = Object.entries(verbFlags(verb, runbook)).map(([name, f]): [string, string] => [
    `${flagText(name, f)}${f.short ? `, -${f.short}` : ''}`,
    `${f.help}${f.required ? ' (required)' : ''}`,
  ]);
  const lines = [usageLine(verb, runbook), runbook ? runbook.entry.summary : verb.summary, ...table(flags)];
  if (verb.name === 'run' && !runbook)
    lines.push('runbooks:', ...table(runbooks.map((r) => [r.name, r.entry.summary])));
  return lines.join('\n');
}

/** `atc --help`: every verb and every runbook with its flags and one line on what it does; the global flags. */
export function fullUsage(verbs: readonly Verb[], runbooks: readonly NamedRunbook[]): string {
  const run = verbs.find((v) => v.name === 'run');
  const runFlags = run ? flagsSynopsis(verbFlags(run)).join(' ') : '';
  const globals = Object.entries(GLOBAL_FLAGS).map(
    ([name, f]) => `${flagText(name, f)}${f.short ? `, -${f.short}` : ''}: ${f.help}`,
  );
  return [
    'usage: atc <verb> [options]   (atc <verb> --help, atc run <runbook> --help: the flags of one)',
    ...table(verbs.map((v) => [synopsis(v), v.summary])),
    `runbooks: atc run <runbook> ${runFlags} and the runbook's own flags:`,
    ...table(runbooks.map((r) => [[r.name, ...flagsSynopsis(r.entry.flags)].join(' '), r.entry.summary])),
    `global: ${globals.join('; ')}`,
  ].join('\n');
}
