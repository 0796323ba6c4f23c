/** A Docker Engine of the rig's own: its own socket, data root and exec root; host networking only (no bridge). */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { startDaemon, waitFor } from './processes';

export const DOCKERD_BIN = '/usr/sbin/dockerd';

/** Short paths (unix sockets are limited to 108 bytes), unique per ATC_HOME. */
export function dockerRunDir(home: string): string {
  return path.join('/var/run', `atc-docker-${createHash('sha1').update(home).digest('hex').slice(0, 10)}`);
}

export function dockerSocketPath(home: string): string {
  return path.join(dockerRunDir(home), 'docker.sock');
}

export function startDockerd(home: string, dataRoot: string, logDir: string): number {
  const run = dockerRunDir(home);
  mkdirSync(run, { recursive: true });
  mkdirSync(dataRoot, { recursive: true });
  const args = [
    '--host',
    `unix://${dockerSocketPath(home)}`,
    '--data-root',
    dataRoot,
    '--exec-root',
    path.join(run, 'exec'),
    '--pidfile',
    path.join(run, 'dockerd.pid'),
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--log-level',
    'warn',
  ];
  return startDaemon({ name: 'dockerd', command: DOCKERD_BIN, args, logDir });
}

export async function waitDockerReady(socketPath: string, timeoutMs = 60_000): Promise<string> {
  const docker = new Docker({ socketPath });
  let version = '';
  await waitFor(
    'dockerd',
    async () => {
      version = (await docker.version()).Version;
      return true;
    },
    timeoutMs,
    250,
  );
  return version;
}
