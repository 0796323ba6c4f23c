/**
 * Composition root: config → integrations → activities → Worker. Also installs the Temporal runtime with its
 * Prometheus exporter (SDK metrics), which the HTTP server merges into its own /metrics.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './runbooks/activities';
import type { ActivityDeps } from './runbooks/shared/deps';
import { readSecret, type AtcConfig } from './config';
import { createAlertmanagerClient } from './integrations/alertmanager';
import { createBotControl } from './integrations/botControl';
import { createDockerRuntime } from './integrations/docker';
import { createNotifier } from './integrations/notifier';
import { createSqlDatabases } from './integrations/postgres';
import { createPrometheusClient } from './integrations/prometheus';
import { createRunningWork } from './runbooks/shared/visibility';

export function createDeps(config: AtcConfig): ActivityDeps {
  return {
    config,
    containers: createDockerRuntime(config.docker.socketPath),
    metrics: createPrometheusClient(config.prometheus.url),
    alerts: createAlertmanagerClient(config.alertmanager.url),
    sql: createSqlDatabases(config.databases, readSecret),
    bots: createBotControl(),
    notifier: createNotifier(config.notify.channels, readSecret),
    running: createRunningWork(config),
  };
}

let sdkMetricsAddress: string | undefined;

/** Installs the SDK runtime once per process with a Prometheus exporter on 127.0.0.1:<port> (0 = none). */
export function installRuntime(metricsPort: number): string | undefined {
  if (sdkMetricsAddress !== undefined || metricsPort === 0) return sdkMetricsAddress;
  sdkMetricsAddress = `127.0.0.1:${metricsPort}`;
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } });
  return sdkMetricsAddress;
}

export function sdkMetricsUrl(): string | undefined {
  return sdkMetricsAddress ? `http://${sdkMetricsAddress}/metrics` : undefined;
}

/** The bundle `npm run build` wrote beside the compiled worker, else bundle from source at start (tests from src/). */
function workflowSource(
  given?: WorkerOptions['workflowBundle'],
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (given) return { workflowBundle: given };
  const prebuilt = path.join(__dirname, 'workflow-bundle.js');
  if (__filename.endsWith('.js') && existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: require.resolve('./runbooks/workflows') };
}

export interface WorkerHandle {
  worker: Worker;
  running: Promise<void>;
  deps: ActivityDeps;
  shutdown(): Promise<void>;
}

export async function startWorker(
  config: AtcConfig,
  opts: { deps?: ActivityDeps; taskQueue?: string; workflowBundle?: WorkerOptions['workflowBundle'] } = {},
): Promise<WorkerHandle> {
  const deps = opts.deps ?? createDeps(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: opts.taskQueue ?? config.temporal.taskQueue,
    activities: createActivities(deps),
    ...workflowSource(opts.workflowBundle),
    shutdownGraceTime: '10s',
  });
  const running = worker.run().finally(async () => {
    await connection.close();
    await deps.sql.close();
    await deps.running.close();
  });
  return {
    worker,
    running,
    deps,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
