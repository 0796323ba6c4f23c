/**
 * The `atc` command line. Exit codes: 0 ok, 1 runbook failed, 2 bad input, 3 infrastructure unreachable.
 * Every verb validates its input before it touches anything; --json on every read verb.
 */
import { parseArgs } from 'node:util';
import { configPath, loadConfig, type AtcConfig } from '../config';
import { AtcError, BadInputError, errorMessage } from '../errors';
import { readRigState } from './rig/state';
import { isTemporalUnavailable } from './temporalClient';

export interface Ctx {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
  config(): AtcConfig;
  out(text: string): void;
  err(text: string): void;
}
type Handler = (ctx: Ctx) => Promise<number>;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  follow: { type: 'boolean' },
  detach: { type: 'boolean' },
  env: { type: 'string' },
  only: { type: 'string' },
  service: { type: 'string' },
  as: { type: 'string' },
  comment: { type: 'string' },
  reason: { type: 'string' },
  input: { type: 'string' },
  id: { type: 'string' },
  runbook: { type: 'string' },
  open: { type: 'boolean' },
  limit: { type: 'string' },
  text: { type: 'string' },
  summary: { type: 'string' },
  severity: { type: 'string' },
  title: { type: 'string' },
  image: { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  database: { type: 'string' },
  backup: { type: 'string' },
  target: { type: 'string' },
  overwrite: { type: 'boolean' },
  'no-service': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const USAGE = `usage: atc <verb> [options]
  rig up|down|status [--no-service] [--json]   the local rig (Temporal, PostgreSQL, dockerd, Prometheus, Alertmanager, simulators)
  sim fault <target> <kind> | sim clear [<target>] | sim state [<target>] [--json]
  serve [--config F]                         worker + HTTP server (/healthz, /metrics, webhooks)
  up [--config F]                            Temporal dev server + worker + HTTP server in one process tree
  run <runbook> [--env E] [--input JSON] [--id ID] [--follow] [--detach] [--json]
  list [--runbook R] [--env E] [--open] [--limit N] [--json]
  show <id> [--json]
  approve <id> --as <who> [--comment C] | reject <id> --as <who> [--comment C]
  cancel <id>
  schedules apply|list [--json]              Temporal Schedules from the config (daily check per environment, ...)
  run daily-check --env E [--only S1,S2] [--as who]   the on-call check (--only: re-check some of system,feed,bots,drift,alerts)
  run deploy --env E --service S --image REF [--dry-run] [--reason R] [--as who] | run rollback --env E --service S [--to REF]
  deployments [--service S] [--env E] [--limit N] [--json]   the deployment history
  incidents [--open] [--env E] [--limit N] [--json] | incident open --env E --severity S --title T [--summary S] [--as who]
  ack <id> --as <who> [--comment C] | note <id> --as <who> --text T | resolve <id> --as <who> --summary S
  run backup --env E --database D | run restore --env E --database D --backup <id|latest> --target DB [--overwrite] [--as who]
  run restore-test [--env E] [--database D1,D2] | backups [--database D] [--json]   the backup catalogue
  run bot-halt --env E --service S --reason R [--as who] | run bot-resume --env E --service S --as who [--reason R]
runbooks: rig-smoke, daily-check, bot-halt, bot-resume, incident, deploy, rollback, backup, restore, restore-test
global: --config F (default: $ATC_CONFIG, else the rig's config, else the embedded default)`;

async function loadVerbs(): Promise<Record<string, Handler>> {
  const [{ rigCommand, simCommand }, { serveCommand, upCommand }, runbooks, inspect] = await Promise.all([
    import('./commands/rig'),
    import('./commands/serve'),
    import('./commands/runbooks'),
    import('./commands/inspect'),
  ]);
  return {
    rig: rigCommand,
    sim: simCommand,
    serve: serveCommand,
    up: upCommand,
    run: runbooks.runCommand,
    list: inspect.listCommand,
    show: inspect.showCommand,
    approve: (c) => runbooks.decideCommand(c, 'approve'),
    reject: (c) => runbooks.decideCommand(c, 'reject'),
    cancel: runbooks.cancelCommand,
    schedules: (c) => import('./commands/schedules').then((m) => m.schedulesCommand(c)),
    deployments: (c) => import('./commands/deployments').then((m) => m.deploymentsCommand(c)),
    backups: (c) => import('./commands/backups').then((m) => m.backupsCommand(c)),
    ...(await import('./commands/incidents')).incidentVerbs,
  };
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof AtcError) return err.kind === 'bad-input' ? 2 : err.kind === 'unreachable' ? 3 : 1;
  if (isTemporalUnavailable(err)) return 3;
  return 1;
}

export async function main(argv: string[], io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) }): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new BadInputError(`${errorMessage(err)}\n${USAGE}`);
    }
    const [verb, ...positionals] = parsed.positionals;
    if (!verb || parsed.values.help) {
      io.out(USAGE);
      return verb || parsed.values.help ? 0 : 2;
    }
    const verbs = await loadVerbs();
    const handler = verbs[verb];
    if (!handler) throw new BadInputError(`unknown verb "${verb}"\n${USAGE}`);
    let cached: AtcConfig | undefined;
    const explicit = parsed.values.config;
    const ctx: Ctx = {
      flags: parsed.values,
      positionals,
      config: () => (cached ??= loadConfig(configPath(explicit) ?? readRigState()?.configPath)),
      out: io.out,
      err: io.err,
    };
    return await handler(ctx);
  } catch (err) {
    io.err(`atc: ${errorMessage(err)}`);
    return exitCodeOf(err);
  }
}
