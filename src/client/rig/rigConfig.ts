/** The config the rig writes for itself: every URL and port points at the rig's own processes. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { RigState } from './state';
import { RIG_DB_USER } from './postgres';

export const RIG_TASK_QUEUE = 'atc-ops';
export const RIG_APPROVERS = ['alice', 'bob', 'carol'];
/** A short feed window (1 bar/s on the rig): a cleared DQ fault stops counting after 20 s instead of a minute. */
export const RIG_LIMITS = { feedWindow: '20s' };

export function rigServiceEnvironments(): Record<string, string[]> {
  return { live_connector: ['dev', 'paper', 'live'], bot_paper: ['paper'], bot_live: ['live'] };
}

export function buildRigConfig(state: RigState, pwFile: string): Record<string, unknown> {
  const db = (database: string) => ({
    host: '127.0.0.1',
    port: state.ports.postgres,
    user: RIG_DB_USER,
    database,
    password: { file: pwFile },
  });
  const envs = rigServiceEnvironments();
  return {
    temporal: {
      address: `127.0.0.1:${state.ports.temporal}`,
      namespace: 'default',
      taskQueue: RIG_TASK_QUEUE,
      uiUrl: `http://127.0.0.1:${state.ports.temporalUi}`,
    },
    server: { host: '127.0.0.1', port: state.ports.service, webhookToken: { file: state.tokenFile } },
    docker: { socketPath: state.dockerSocket },
    prometheus: { url: `http://127.0.0.1:${state.ports.prometheus}` },
    alertmanager: { url: `http://127.0.0.1:${state.ports.alertmanager}` },
    databases: { trading: db('trading'), mlflow: db('mlflow') },
    environments: {
      dev: { haltBotsOnFeedFailure: false, limits: { ...RIG_LIMITS } },
      paper: { haltConfirmTimeout: '5s', limits: { ...RIG_LIMITS } },
      live: {
        protected: true,
        requireApproval: true,
        approvers: RIG_APPROVERS,
        haltConfirmTimeout: '5s',
        limits: { ...RIG_LIMITS },
      },
    },
    services: state.sims.map((s) => ({
      name: s.service,
      role: s.kind,
      environments: envs[s.service] ?? ['dev'],
      container: s.service,
      critical: true,
      prometheusJob: s.service,
      healthUrl: `http://127.0.0.1:${s.port}/healthz`,
      ...(s.kind === 'bot' ? { controlUrl: `http://127.0.0.1:${s.port}`, dependsOn: ['live_connector'] } : {}),
    })),
    notify: { channels: [{ type: 'log' }, { type: 'file', path: path.join(state.dir, 'notifications.jsonl') }] },
    dataDir: path.join(state.dir, 'data'),
    deploy: {
      analysisWindow: '3s',
      gateInterval: '1s',
      healthTimeout: '15s',
      openOrdersTimeout: '10s',
      stopTimeout: '5s',
    }, // short: tests
    schedules: {
      dailyCheck: ['dev', 'paper', 'live'].map((environment) => ({
        environment,
        cron: '0 7 * * *',
        timezone: 'Europe/Prague',
      })),
    },
  };
}

export function writeRigConfig(state: RigState, pwFile: string): void {
  const header = '# Written by `atc rig up` for the local rig. Edit a copy and pass it with --config.\n';
  writeFileSync(state.configPath, header + stringify(buildRigConfig(state, pwFile)));
}
