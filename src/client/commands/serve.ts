/** `atc serve` (worker + HTTP server) and `atc up` (a Temporal dev server of its own + the same). */
import * as path from 'node:path';
import type { AtcConfig } from '../../config';
import { installRuntime, sdkMetricsUrl, startWorker } from '../../worker';
import type { Ctx, Verb } from '../context';
import { freePort, stopPid } from '../rig/processes';
import { REPO_ROOT } from '../rig/rig';
import { atcHome } from '../rig/state';
import { findTemporalCli, startTemporalDevServer, waitTemporalReady } from '../rig/temporal';
import { createHttpServer, listen } from '../server';
import { watchRestoreTestState, workerUp } from '../../observability/serviceMetrics';
import { restoreTestStateFile } from '../../runbooks/backup/config';
import { serviceRoutes } from '../routes';

/** Runs until SIGTERM/SIGINT; then stops accepting HTTP, drains the worker, and returns 0. */
export async function serve(
  config: AtcConfig,
  say: (t: string) => void,
  onStop?: () => Promise<void>,
): Promise<number> {
  installRuntime(config.server.workerMetricsPort || (await freePort()));
  const handle = await startWorker(config);
  workerUp.set(1);
  watchRestoreTestState(restoreTestStateFile(config)); // atc_restore_test_last_success_timestamp_seconds
  let workerRunning = true;
  handle.running.then(
    () => (workerRunning = false),
    (err: unknown) => {
      workerRunning = false;
      say(`worker stopped: ${String(err)}`);
    },
  );
  const server = createHttpServer({
    host: config.server.host,
    port: config.server.port,
    health: async () => ({
      ok: workerRunning,
      detail: { worker: workerRunning ? 'running' : 'stopped', taskQueue: config.temporal.taskQueue },
    }),
    sdkMetricsUrl,
    routes: serviceRoutes(config),
  });
  const port = await listen(server, config.server.host, config.server.port);
  say(
    `atc-ops serving on http://${config.server.host}:${port} (task queue ${config.temporal.taskQueue}, Temporal ${config.temporal.address})`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    void handle.running.finally(stop);
  });
  say('shutting down');
  server.close();
  workerUp.set(0);
  await handle.shutdown().catch(() => undefined);
  await onStop?.();
  return 0;
}

async function serveCommand(ctx: Ctx): Promise<number> {
  return serve(ctx.config(), ctx.err);
}

async function upCommand(ctx: Ctx): Promise<number> {
  const base = ctx.config();
  const [port, uiPort] = [await freePort(), await freePort()];
  const dir = path.join(atcHome(), 'up');
  const pid = startTemporalDevServer({ cli: await findTemporalCli(REPO_ROOT), dir, logDir: dir, port, uiPort });
  const address = `127.0.0.1:${port}`;
  try {
    await waitTemporalReady(address);
  } catch (err) {
    await stopPid(pid);
    throw err;
  }
  ctx.out(`Temporal dev server on ${address}, Web UI http://127.0.0.1:${uiPort} (Ctrl-C stops everything)`);
  const config = { ...base, temporal: { ...base.temporal, address, uiUrl: `http://127.0.0.1:${uiPort}` } };
  return serve(config, ctx.err, async () => void (await stopPid(pid)));
}

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'worker + HTTP server (/healthz, /metrics, webhooks)',
  flags: {},
  run: serveCommand,
};
export const upVerb: Verb = {
  name: 'up',
  summary: 'a Temporal dev server of its own + worker + HTTP server, one process tree',
  flags: {},
  run: upCommand,
};
