/**
 * Runs the real `atc` binary (built into dist/ by `make test`) as a child process, with the test rig's ATC_HOME:
 * one-off commands, and second `atc serve` processes on a task queue of their own (that a test may kill -9).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, testHome } from './paths';
import { rigState } from './rig';

export const ATC_BIN = path.join(REPO_ROOT, 'bin', 'atc');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function atc(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ATC_BIN, ...args],
      {
        env: { ...process.env, ATC_HOME: testHome(), ...opts.env },
        timeout: opts.timeoutMs ?? 120_000,
        cwd: REPO_ROOT,
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 99
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `atc serve` as a separate process; `logFile` sees its output. */
function spawnService(configPath: string, logFile?: (chunk: string) => void): ChildProcess {
  const child = spawn(process.execPath, [ATC_BIN, 'serve', '--config', configPath], {
    env: { ...process.env, ATC_HOME: testHome() },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => logFile?.(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logFile?.(d.toString()));
  return child;
}

export type RawConfig = Record<string, Record<string, unknown>>;

/**
 * Writes a copy of the rig's config with its own task queue and the HTTP server on a free port (`edit` may change
 * more) next to the rig's config, as config-<taskQueue>.yaml; returns its path.
 */
export function serviceConfigFor(taskQueue: string, edit?: (config: RawConfig) => void): string {
  const state = rigState();
  const config = parse(readFileSync(state.configPath, 'utf8')) as RawConfig;
  config.temporal!.taskQueue = taskQueue;
  config.server!.port = 0;
  edit?.(config);
  const file = path.join(state.dir, `config-${taskQueue}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

/** Every `atc serve` that startService started in this test file (a file's modules are its own in jest). */
const started: ChildProcess[] = [];

/**
 * Spawns `atc serve --config <configFile>` and resolves once its log says it serves; rejects if it exits first.
 * `onLog` sees all of its output.
 */
export function startService(
  configFile: string,
  opts: { onLog?: (chunk: string) => void } = {},
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let log = '';
    const child = spawnService(configFile, (chunk) => {
      opts.onLog?.(chunk);
      log += chunk;
      if (log.includes('atc-ops serving on')) resolve(child);
    });
    started.push(child);
    child.once('exit', (code, signal) => reject(new Error(`atc serve exited early (${code ?? signal}): ${log}`)));
  });
}

/** kill -9 of a service process; resolves once it has exited. */
export async function killService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** kill -9 of every service startService started that still runs (for an afterAll). */
export async function killServices(): Promise<void> {
  for (const child of started) await killService(child);
}
