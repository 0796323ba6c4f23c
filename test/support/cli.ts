/** Runs the real `atc` binary (built into dist/ by `make test`) as a child process, with the test rig's ATC_HOME. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, testHome } from './paths';

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
      { env: { ...process.env, ATC_HOME: testHome(), ...opts.env }, timeout: opts.timeoutMs ?? 120_000, cwd: REPO_ROOT },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `atc serve` as a separate process (to be killed with SIGKILL by a test). */
export function spawnService(configPath: string, logFile?: (chunk: string) => void): ChildProcess {
  const child = spawn(process.execPath, [ATC_BIN, 'serve', '--config', configPath], {
    env: { ...process.env, ATC_HOME: testHome() },
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => logFile?.(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logFile?.(d.toString()));
  return child;
}
