/** What a verb of the `atc` CLI declares (its flags, for the parser and the usage text) and what it is given to run. */
import type { AtcConfig } from '../config';
import type { FlagSpec, FlagSpecs, Flags } from '../runbooks/shared/cli';

export interface Ctx {
  flags: Flags; // only the flags the verb (and for `run`, the runbook) declares, and the global ones
  positionals: string[]; // after the verb
  config(): AtcConfig;
  out(text: string): void;
  err(text: string): void;
  usage(): string; // the verb's synopsis line, `usage: atc <verb> …`
}

export interface Verb {
  name: string;
  args?: string; // the positionals in the usage text: `<workflow-id>`, `up|down|status`
  summary: string; // one line for the usage text
  flags: FlagSpecs;
  json?: boolean; // takes the global --json
  run(ctx: Ctx): Promise<number>;
}

/** Declared once, merged into every verb's flags (--json only into the verbs that take it). */
export const GLOBAL_FLAGS: FlagSpecs = {
  config: {
    type: 'string',
    value: 'F',
    help: "the config file (default: $ATC_CONFIG, else the rig's config, else the embedded default)",
  },
  help: { type: 'boolean', short: 'h', help: 'print the usage' },
};
export const JSON_FLAG: FlagSpec = { type: 'boolean', help: 'JSON on stdout' };
