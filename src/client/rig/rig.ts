/**
 * `atc rig up|down|status`: the real parts on 127.0.0.1 — Temporal dev server, PostgreSQL, dockerd, the simulated
 * stack as containers, Prometheus, Alertmanager and the atc-ops service. Idempotent; pids and ports in state.json.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { buildSimImages } from './images';
import { ensureSimContainer, waitSimReady } from './sims';
import { dockerSocketPath, startDockerd, waitDockerReady } from './dockerd';
import {
  rigScrapeJobs,
  startAlertmanager,
  startPrometheus,
  waitHttpReady,
  waitTargetsScraped,
  writeAlertmanagerConfig,
  writePrometheusConfig,
} from './monitoring';
import { initPostgres, SIM_DB_USER, startPostgres, seedPostgres, waitPostgresReady } from './postgres';
import { freePort, isAlive, startDaemon } from './processes';
import { writeRigConfig } from './rigConfig';
import { atcHome, readRigState, rigDir, writeRigState, type RigState } from './state';
import { findTemporalCli, startTemporalDevServer, waitTemporalReady } from './temporal';
import { rigVersions } from './versions';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SIM_IMAGE = 'atc-sim';
// 1.2.0-breach breaches the deploy gates from start, 1.3.0-unhealthy never passes /healthz: deploy/rollback tests.
export const SIM_TAGS = ['atc-sim:1.0.0', 'atc-sim:1.1.0', 'atc-sim:1.2.0-breach', 'atc-sim:1.3.0-unhealthy'];

async function newState(home: string): Promise<RigState> {
  const dir = rigDir(home);
  const p = async () => freePort();
  return {
    home,
    dir,
    configPath: path.join(dir, 'config.yaml'),
    tokenFile: path.join(dir, 'secrets', 'webhook-token'),
    ports: {
      temporal: await p(),
      temporalUi: await p(),
      postgres: await p(),
      prometheus: await p(),
      alertmanager: await p(),
      service: await p(),
    },
    pids: {},
    dockerSocket: dockerSocketPath(home),
    sims: [
      { service: 'live_connector', kind: 'feed', port: await p() },
      { service: 'bot_paper', kind: 'bot', port: await p(), mode: 'paper' },
      { service: 'bot_live', kind: 'bot', port: await p(), mode: 'live' },
    ],
    images: { sim: SIM_TAGS[0]!, simTags: SIM_TAGS },
    versions: {},
  };
}

export interface RigUpOptions {
  service?: boolean; // start the atc-ops service (worker + HTTP server); default true
  log?: (line: string) => void;
}

export async function rigUp(opts: RigUpOptions = {}): Promise<RigState> {
  const log = opts.log ?? (() => undefined);
  const home = atcHome();
  const state = readRigState(home) ?? (await newState(home));
  const logDir = path.join(state.dir, 'logs');
  mkdirSync(path.join(state.dir, 'secrets'), { recursive: true, mode: 0o700 });
  if (!existsSync(state.tokenFile))
    writeFileSync(state.tokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const save = () => writeRigState(state);

  // Start the three slow daemons together, then wait for each.
  if (!isAlive(state.pids.temporal)) {
    const cli = await findTemporalCli(REPO_ROOT);
    state.pids.temporal = startTemporalDevServer({
      cli,
      dir: path.join(state.dir, 'temporal'),
      logDir,
      port: state.ports.temporal,
      uiPort: state.ports.temporalUi,
    });
    log(`temporal: started (pid ${state.pids.temporal})`);
  }
  const pwFile = await initPostgres(home, path.join(state.dir, 'secrets'));
  if (!isAlive(state.pids.postgres)) state.pids.postgres = await startPostgres(home, state.ports.postgres, logDir);
  if (!isAlive(state.pids.dockerd)) state.pids.dockerd = startDockerd(home, path.join(state.dir, 'docker'), logDir);
  save();
  await waitPostgresReady(home, state.ports.postgres);
  await seedPostgres(home, state.ports.postgres, pwFile);
  log(`postgres: ready on 127.0.0.1:${state.ports.postgres} (trading, mlflow)`);
  await waitDockerReady(state.dockerSocket);
  log('dockerd: ready');

  writeRigConfig(state, pwFile);
  state.images.simTags = [...new Set([...state.images.simTags, ...SIM_TAGS])]; // a rig made before new tags were added
  const docker = new Docker({ socketPath: state.dockerSocket });
  await buildSimImages({
    docker,
    repoRoot: REPO_ROOT,
    workDir: path.join(state.dir, 'images'),
    tags: state.images.simTags,
  });
  const pg = { host: '127.0.0.1', port: state.ports.postgres, user: SIM_DB_USER, database: 'trading' };
  for (const sim of state.sims) await ensureSimContainer(docker, sim, { image: state.images.sim, pg });
  await Promise.all(state.sims.map((s) => waitSimReady(s, 30_000)));
  log(`simulators: ${state.sims.map((s) => `${s.service}@${s.port}`).join(', ')}`);

  const envLabel: Record<string, string> = { live_connector: 'paper', bot_paper: 'paper', bot_live: 'live' };
  if (!isAlive(state.pids.prometheus))
    state.pids.prometheus = startPrometheus(state, writePrometheusConfig(state, envLabel));
  if (!isAlive(state.pids.alertmanager))
    state.pids.alertmanager = startAlertmanager(state, writeAlertmanagerConfig(state));
  save();
  await waitHttpReady('Prometheus', `http://127.0.0.1:${state.ports.prometheus}/-/ready`);
  await waitHttpReady('Alertmanager', `http://127.0.0.1:${state.ports.alertmanager}/-/ready`);
  await waitTemporalReady(`127.0.0.1:${state.ports.temporal}`);
  log(`temporal: ready on 127.0.0.1:${state.ports.temporal}, UI http://127.0.0.1:${state.ports.temporalUi}`);

  if (opts.service !== false && !isAlive(state.pids.service)) {
    state.pids.service = startDaemon({
      name: 'service',
      command: process.execPath,
      args: [path.join(REPO_ROOT, 'bin', 'atc'), 'serve', '--config', state.configPath],
      logDir,
      cwd: REPO_ROOT,
    });
    save();
    await waitHttpReady('atc-ops service', `http://127.0.0.1:${state.ports.service}/healthz`, 60_000);
    log(`service: ready on http://127.0.0.1:${state.ports.service}`);
  }
  // Only ready once Prometheus has scraped every target: a runbook right after `rig up` queries `up`.
  const jobs = rigScrapeJobs(state).filter((job) => job !== 'atc_ops' || isAlive(state.pids.service));
  await waitTargetsScraped(`http://127.0.0.1:${state.ports.prometheus}`, jobs);
  log(`prometheus: scraped ${jobs.join(', ')}`);
  state.versions = await rigVersions(state);
  save();
  return state;
}

export { rigDown, rigStatus } from './rigStop';
