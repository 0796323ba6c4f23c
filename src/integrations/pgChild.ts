/**
 * Running pg_dump / pg_restore safely: argument arrays (never a shell), the password in a temporary passfile
 * (mode 600, PGPASSFILE in the child's environment only; never in argv, logs or results), a connection string
 * with quoted values for --dbname (names with quotes, spaces or a leading dash stay one value), the child in a
 * process group of its own with its pid in a pid file, so a restarted worker can kill what a killed one left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PermanentError, UnreachableError } from '../errors';

export interface PgConn {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string; // read at the edge (readSecret); only ever written to the passfile
}

const quoteConnValue = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const escapePassField = (v: string) => v.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

/** host=... port=... user=... dbname=... with every value quoted: safe for any database name. */
export function connString(c: PgConn): string {
  return `host=${quoteConnValue(c.host)} port=${c.port} user=${quoteConnValue(c.user)} dbname=${quoteConnValue(c.database)}`;
}

/** Writes a passfile for one connection in a private temp folder; returns its path and a cleanup. */
export async function withPassfile<T>(c: PgConn, fn: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atc-pgpass-')); // mkdtemp: mode 700
  const file = path.join(dir, 'pgpass');
  try {
    const line = [c.host, String(c.port), '*', c.user, c.password ?? ''].map(escapePassField).join(':');
    await writeFile(file, `${line}\n`, { mode: 0o600 });
    // A minimal environment: nothing inherited (no stray PGPASSWORD/PGHOST), tools called by absolute path.
    return await fn({ PGPASSFILE: file, PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'atc-ops', LC_ALL: 'C' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Errors of pg_dump/pg_restore: cannot connect → UnreachableError (retried), anything else → PermanentError. */
export function toolError(
  tool: string,
  what: string,
  code: number | null,
  signal: string | null,
  stderr: string,
): Error {
  const tail = stderr.trim().split('\n').slice(-4).join(' | ').slice(-600) || 'no error output';
  const how = signal ? `killed by ${signal}` : `exit ${code}`;
  const text = `${tool} ${what} failed (${how}): ${tail}`;
  const unreachable =
    /could not connect|connection refused|timeout expired|could not translate host|no route to host|server closed the connection unexpectedly|the database system is (starting|shutting) up/i;
  return unreachable.test(stderr) ? new UnreachableError(text) : new PermanentError(text);
}

export interface ChildControl {
  signal?: AbortSignal; // abort → the child's process group is killed
  pidFile?: string; // holds the child's pid while it runs
}

export interface Spawned {
  child: ChildProcess;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

const KILL_GRACE_MS = 3000;

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}

/** Spawns a tool in its own process group; abort sends SIGTERM to the group, then SIGKILL after a grace period. */
export async function spawnTool(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  control: ChildControl,
  stdout: 'pipe' | 'ignore',
): Promise<Spawned> {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', stdout, 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8192)));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.once('error', (e) => reject(new PermanentError(`cannot run ${command}: ${e.message}`)));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (control.pidFile && child.pid) await writeFile(control.pidFile, `${child.pid}\n`);
  const onAbort = () => {
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  if (control.signal?.aborted) onAbort();
  control.signal?.addEventListener('abort', onAbort, { once: true });
  void exit
    .finally(async () => {
      control.signal?.removeEventListener('abort', onAbort);
      if (control.pidFile) await unlink(control.pidFile).catch(() => undefined);
    })
    .catch(() => undefined);
  return { child, stderr: () => err, exit };
}

/** Kills a pg tool left running by a killed worker (pid file), only if that pid still is a pg tool. */
export async function killStale(pidFile: string): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  await unlink(pidFile).catch(() => undefined);
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!/pg_dump|pg_restore/.test(cmdline)) return false;
  killGroup(pid, 'SIGKILL');
  for (let i = 0; i < 50; i++) {
    if (
      !(await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
        (t) => t.length > 0,
        () => false,
      ))
    )
      break; // gone or a zombie
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
