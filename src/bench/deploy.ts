/**
 * `npm run bench:deploy [-- --runs N --service S --env E]`: the orchestration overhead of the deploy runbook. On the
 * rig, N alternating deploys of a service between atc-sim:1.0.0 and 1.1.0 with a zero-length analysis window
 * (preflight, plan, swap, health, one gate evaluation, history) beside the same swap done directly with dockerode:
 * rename + stop + create + start (+ wait healthy) + remove. Prints the medians and the ratios. Runs the workflow on
 * an in-process worker of its own (task queue bench-deploy-<pid>) with a config copy. Leaves the service on 1.0.0.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import Docker from 'dockerode';
import { parse, stringify } from 'yaml';
import { carryOverConfig } from '../runbooks/deploy/activities/carryOver';
import { readRigState } from '../client/rig/state';
import { loadConfig } from '../config';
import { createOptionsFrom } from '../integrations/docker';
import { startWorker } from '../worker';
import type { DeployResult } from '../runbooks/deploy/contract';

const IMAGES = ['atc-sim:1.1.0', 'atc-sim:1.0.0'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The swap without orchestration: rename + stop the old, create + start the new one (same carry-over rule). */
async function directSwap(
  docker: Docker,
  name: string,
  image: string,
  waitHealthy: boolean,
): Promise<{ swapMs: number; totalMs: number }> {
  const began = Date.now();
  const old = await docker.getContainer(name).inspect();
  const oldImage = await docker.getImage(old.Image).inspect();
  const retired = `${name}-bench-old-${old.Id.slice(0, 12)}`;
  await docker.getContainer(old.Id).rename({ name: retired });
  await docker.getContainer(old.Id).stop({ t: 5 });
  const created = await docker.createContainer(createOptionsFrom(carryOverConfig(old, oldImage).info, name, image));
  await created.start();
  const swapMs = Date.now() - began;
  while (waitHealthy && (await created.inspect()).State.Health?.Status !== 'healthy')
    await new Promise((r) => setTimeout(r, 100));
  await docker.getContainer(old.Id).remove({ force: true });
  return { swapMs, totalMs: Date.now() - began };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      service: { type: 'string', default: 'live_connector' },
      env: { type: 'string', default: 'dev' },
    },
  });
  const runs = Number(values.runs);
  const state = readRigState();
  if (!state) throw new Error('no rig: run `node bin/atc rig up` first (with the same ATC_HOME)');
  const dir = path.join(state.home, 'bench-deploy');
  mkdirSync(dir, { recursive: true });
  const raw = parse(readFileSync(state.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const taskQueue = `bench-deploy-${process.pid}`;
  Object.assign(raw.temporal!, { taskQueue });
  Object.assign(raw, {
    dataDir: path.join(dir, 'data'),
    deploy: { ...raw.deploy, analysisWindow: '0s' },
    notify: { channels: [{ type: 'file', path: path.join(dir, 'notifications.jsonl') }] },
  });
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(raw));
  const config = loadConfig(configPath);
  const service = config.services.find((s) => s.name === values.service)!;
  const docker = new Docker({ socketPath: config.docker.socketPath });

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const worker = await startWorker(config, { taskQueue });
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const t = { deploy: [] as number[], swap: [] as number[], swapHealthy: [] as number[] };
  const deploy = async (image: string) => {
    const began = Date.now();
    const input = { environment: values.env, service: service.name, image, requestedBy: 'bench' };
    const r = (await client.workflow.execute('deploy', {
      taskQueue,
      workflowId: `bench-deploy-${Date.now()}`,
      args: [input],
    })) as DeployResult;
    if (r.outcome !== 'succeeded')
      throw new Error(`deploy of ${image}: ${r.outcome}: ${r.detail} ${JSON.stringify(r.refusals)}`);
    return Date.now() - began;
  };
  try {
    process.stdout.write(`${service.name} (${values.env}), ${runs} runs of each, alternating ${IMAGES.join(' / ')}\n`);
    for (let i = 0; i < runs; i++) {
      t.deploy.push(await deploy(IMAGES[0]!));
      const direct = await directSwap(docker, service.container, IMAGES[1]!, true);
      t.swapHealthy.push(direct.totalMs);
      t.deploy.push(await deploy(IMAGES[0]!));
      t.swap.push((await directSwap(docker, service.container, IMAGES[1]!, false)).swapMs);
      await new Promise((r) => setTimeout(r, 3000)); // let the unwaited container come up before the next deploy's preflight
      process.stdout.write(
        `  run ${i + 1}: deploy ${secs(t.deploy.at(-2)!)} / ${secs(t.deploy.at(-1)!)}, direct+healthy ${secs(direct.totalMs)}, direct ${secs(t.swap.at(-1)!)}\n`,
      );
    }
  } finally {
    await worker.shutdown();
    await connection.close();
  }
  const d = median(t.deploy);
  process.stdout.write(
    [
      `deploy runbook (analysis window 0 s):        median ${secs(d)}  (n=${t.deploy.length})`,
      `direct dockerode swap + wait healthy:        median ${secs(median(t.swapHealthy))}  ratio ${(d / median(t.swapHealthy)).toFixed(2)}`,
      `direct dockerode rename/stop/create/start:   median ${secs(median(t.swap))}  ratio ${(d / median(t.swap)).toFixed(2)}`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:deploy failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
