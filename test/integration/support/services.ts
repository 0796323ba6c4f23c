/**
 * Throwaway real services for integration tests: PostgreSQL, Prometheus, Alertmanager and a Docker Engine, each on
 * 127.0.0.1 and a free port, with its files in a temp folder. Every process is started without a shell and stopped
 * by its pid; `stop()` also removes the temp folder.
 */
import { execFile, spawn } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { waitFor } from '../../support/waitFor';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface Service {
  pid: number;
  port: number;
  dir: string;
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals one pid we started and waits until it is gone (SIGKILL after the grace period). */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, signal);
  await waitFor(`pid ${pid} gone`, () => !alive(pid), { timeoutMs: graceMs }).catch(() => process.kill(pid, 'SIGKILL'));
  await waitFor(`pid ${pid} gone after SIGKILL`, () => !alive(pid), { timeoutMs: 10_000 });
}

/** Starts a daemon in its own process group, output to <dir>/<name>.log; reaps it so its pid does not linger. */
function startDaemon(name: string, command: string, args: string[], dir: string): number {
  const fd = openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (!child.pid) throw new Error(`could not start ${command}`);
  child.unref();
  return child.pid;
}

const httpReady = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

async function service(
  name: string,
  dir: string,
  port: number,
  pid: number,
  ready: () => Promise<boolean>,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<Service> {
  const stop = async () => {
    await stopPid(pid, signal);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(name, ready, { timeoutMs: 60_000 });
  } catch (err) {
    const log = readFileSync(path.join(dir, `${name}.log`), 'utf8').slice(-2000);
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { pid, port, dir, url: `http://127.0.0.1:${port}`, stop };
}

export async function startPrometheus(): Promise<Service> {
  const dir = tempDir('atc-it-prom-');
  const port = await freePort();
  const config = `global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`;
  writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const args = [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  const pid = startDaemon('prometheus', '/usr/bin/prometheus', args, dir);
  return service('prometheus', dir, port, pid, httpReady(`http://127.0.0.1:${port}/-/ready`));
}

export async function startAlertmanager(): Promise<Service> {
  const dir = tempDir('atc-it-am-');
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'alertmanager.yml'),
    "route: {receiver: 'null', group_wait: 1s}\nreceivers: [{name: 'null'}]\n",
  );
  const args = [
    `--config.file=${dir}/alertmanager.yml`,
    `--storage.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  const pid = startDaemon('alertmanager', '/usr/bin/prometheus-alertmanager', args, dir);
  return service('alertmanager', dir, port, pid, httpReady(`http://127.0.0.1:${port}/-/ready`));
}

export interface PostgresService extends Service {
  user: string;
  passwordFile: string;
}

/** initdb + pg_ctl as the postgres user; password auth (scram) over TCP; stopped by the postmaster's pid (SIGINT = fast). */
export async function startPostgres(): Promise<PostgresService> {
  const dir = tempDir('atc-it-pg-');
  const port = await freePort();
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `it-${process.pid}-${Date.now()}\n`, { mode: 0o600 });
  chownSync(dir, uid, gid);
  chownSync(passwordFile, uid, gid);
  const data = path.join(dir, 'data');
  const asPostgres = (bin: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args], { timeout: 120_000 });
  await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${passwordFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    `port = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nfsync = off\n`,
  );
  writeFileSync(path.join(dir, 'postgres.log'), '');
  chownSync(path.join(dir, 'postgres.log'), uid, gid);
  await asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const s = await service('postgres', dir, port, pid, async () => true, 'SIGINT');
  return { ...s, url: `postgresql://127.0.0.1:${port}/postgres`, user: 'postgres', passwordFile };
}

export interface DockerService extends Service {
  socketPath: string;
}

/** A Docker Engine of its own (socket, data root, exec root, pidfile in a temp dir); no bridge, no iptables. */
export async function startDockerd(): Promise<DockerService> {
  const dir = mkdtempSync('/tmp/atc-it-d-'); // short: unix socket paths are limited to 108 bytes
  const socketPath = path.join(dir, 'docker.sock');
  const ns = `atc-it-${path.basename(dir).slice(-6)}`;
  const args = [
    ...[
      '--host',
      `unix://${socketPath}`,
      '--data-root',
      `${dir}/data`,
      '--exec-root',
      `${dir}/exec`,
      '--pidfile',
      `${dir}/docker.pid`,
    ],
    ...[
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      '--containerd-namespace',
      ns,
      '--containerd-plugins-namespace',
      `${ns}-p`,
      '--log-level=warn',
    ],
  ];
  const pid = startDaemon('dockerd', '/usr/sbin/dockerd', args, dir);
  const docker = new Docker({ socketPath });
  const s = await service('dockerd', dir, 0, pid, async () => Boolean((await docker.version()).Version));
  return { ...s, url: `unix://${socketPath}`, socketPath };
}

/** A tiny static image (no registry here): a C program that sleeps until SIGTERM, or exits 0 when given "check". */
export async function importSleeperImage(docker: Docker, repo: string, tags: string[]): Promise<void> {
  const dir = tempDir('atc-it-img-');
  try {
    const source =
      '#include <signal.h>\n#include <string.h>\n#include <unistd.h>\nstatic void bye(int s){(void)s;_exit(0);}\n' +
      'int main(int c,char**v){if(c>1&&!strcmp(v[1],"check"))return 0;signal(SIGTERM,bye);signal(SIGINT,bye);for(;;)pause();}\n';
    writeFileSync(path.join(dir, 'sleeper.c'), source);
    mkdirSync(path.join(dir, 'root', 'tmp'), { recursive: true });
    await run('gcc', ['-static', '-Os', '-o', path.join(dir, 'root', 'sleeper'), path.join(dir, 'sleeper.c')]);
    await run('tar', ['-C', path.join(dir, 'root'), '-cf', path.join(dir, 'image.tar'), '.']);
    for (const tag of tags) {
      const stream = await docker.importImage(path.join(dir, 'image.tar'), { repo, tag });
      await new Promise((resolve, reject) =>
        docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
