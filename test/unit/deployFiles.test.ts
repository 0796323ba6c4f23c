/** Pure parts of deploy: what is carried over (new image defaults win), secret redaction, history files, gate compare. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { carryOverConfig, describeCarryOver, redactEnv } from '../../src/runbooks/deploy/activities/carryOver';
import { appendHistory, historyFile, previousImageOf, readHistory } from '../../src/runbooks/deploy/activities/history';
import type { DeploymentRecord } from '../../src/runbooks/deploy/contract';
import { compare } from '../../src/runbooks/deploy/activities/verify';
import { createOptionsFrom } from '../../src/integrations/docker';
import { parseConfig } from '../../src/config';
import { gatesFor } from '../../src/runbooks/deploy/activities/preflight';

const imageConfig = {
  Env: ['SIM_VERSION=1.0.0', 'NODE_ENV=production'],
  Cmd: ['/usr/bin/node', '/app/sim/main.js'],
  Labels: { 'atc.sim.version': '1.0.0' },
  WorkingDir: '/app',
  User: '65534',
};
const container = {
  Id: 'f'.repeat(64),
  Name: '/bot_paper',
  Image: 'sha256:old',
  Config: {
    Image: 'atc-sim:1.0.0',
    Env: ['SIM_NAME=bot_paper', 'DB_PASSWORD=hunter2', 'API_KEY=k', 'SIM_VERSION=1.0.0', 'NODE_ENV=staging'],
    Cmd: ['/usr/bin/node', '/app/sim/main.js'],
    Labels: { 'atc.service': 'bot_paper', 'atc.sim.version': '1.0.0' },
    WorkingDir: '/app',
    User: '65534',
    Healthcheck: { Test: ['CMD', 'check'], Interval: 2e9, Retries: 2 },
  },
  HostConfig: {
    NetworkMode: 'host',
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    PortBindings: {},
    Binds: ['/data:/data'],
  },
  NetworkSettings: { Networks: { host: {} } },
  Mounts: [{ Type: 'bind', Source: '/data', Destination: '/data', RW: true }],
} as unknown as Docker.ContainerInspectInfo;

test('settings the container only inherited from the old image are dropped: the new image’s defaults apply', () => {
  const { info, dropped } = carryOverConfig(container, { Config: imageConfig } as unknown as Docker.ImageInspectInfo);
  expect(info.Config.Env).toEqual(['SIM_NAME=bot_paper', 'DB_PASSWORD=hunter2', 'API_KEY=k', 'NODE_ENV=staging']); // own value kept
  expect(info.Config.Labels).toEqual({ 'atc.service': 'bot_paper' });
  expect(dropped).toEqual(['env SIM_VERSION', 'label atc.sim.version', 'cmd', 'workingdir', 'user']);
  const create = createOptionsFrom(info, 'bot_paper', 'atc-sim:1.1.0');
  expect(create).not.toHaveProperty('Cmd');
  expect(create).toMatchObject({
    Image: 'atc-sim:1.1.0',
    Healthcheck: { Test: ['CMD', 'check'] },
    HostConfig: {
      NetworkMode: 'host',
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      Binds: ['/data:/data'],
    },
  });
  expect(carryOverConfig(container, undefined).info).toBe(container); // old image gone: keep everything
});

test('the plan’s summary carries no secret values', () => {
  const { info, dropped } = carryOverConfig(container, { Config: imageConfig } as unknown as Docker.ImageInspectInfo);
  const summary = describeCarryOver(info, dropped);
  expect(summary.env).toEqual([
    'SIM_NAME=bot_paper',
    'DB_PASSWORD=<redacted>',
    'API_KEY=<redacted>',
    'NODE_ENV=staging',
  ]);
  expect(JSON.stringify(summary)).not.toMatch(/hunter2/);
  expect(summary).toMatchObject({
    networkMode: 'host',
    restartPolicy: 'on-failure:3',
    mounts: ['bind:/data->/data'],
    healthcheck: 'CMD check every 2000 ms, 2 retries',
  });
  expect(redactEnv(['MY_SECRET=x', 'TOKEN_FILE=/run/t', 'PLAIN=1', 'NOVALUE'])).toEqual([
    'MY_SECRET=<redacted>',
    'TOKEN_FILE=<redacted>',
    'PLAIN=1',
    'NOVALUE',
  ]);
});

const rec = (
  n: number,
  from: string,
  to: string,
  outcome: DeploymentRecord['outcome'] = 'succeeded',
): DeploymentRecord => ({
  ...{
    deploymentId: `deploy-paper-bot_paper/run-${n}`,
    workflowId: 'deploy-paper-bot_paper',
    runId: `run-${n}`,
    runbook: 'deploy',
    environment: 'paper',
    service: 'bot_paper',
    container: 'bot_paper',
  },
  ...{
    from: { image: from, imageId: `id-${from}` },
    to: { image: to, imageId: `id-${to}` },
    outcome,
    detail: '',
    startedAt: '',
    finishedAt: '',
  },
});

test('history: appended once per deployment id, torn lines skipped, previous image from the last success onto the current one', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atc-deploy-hist-'));
  try {
    expect(await appendHistory(dir, rec(1, 'a', 'b'))).toBe(true);
    expect(await appendHistory(dir, rec(1, 'a', 'b'))).toBe(false); // a retry
    writeFileSync(historyFile(dir), `${readFileSync(historyFile(dir), 'utf8')}{"torn`);
    expect(await appendHistory(dir, rec(2, 'b', 'c', 'rolled-back'))).toBe(true);
    expect(readHistory(dir).map((r) => r.runId)).toEqual(['run-1', 'run-2']);
    const h = readHistory(dir);
    expect(previousImageOf(h, 'paper', 'bot_paper', 'id-b')).toEqual({ image: 'a', imageId: 'id-a' }); // the rolled-back attempt is ignored
    expect(previousImageOf([...h, rec(3, 'b', 'a')], 'paper', 'bot_paper', 'id-a')?.image).toBe('b');
    expect(previousImageOf(h, 'live', 'bot_paper', 'id-b')).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gates: defaults by role with {job} rendered; compare never passes NaN', () => {
  const config = parseConfig({});
  expect(
    gatesFor(config, 'bot', { job: 'bot_paper', service: 'bot_paper' }).map((g) => `${g.query} ${g.op} ${g.threshold}`),
  ).toEqual(['up{job="bot_paper"} == 1', 'max(atc_bot_drawdown_pct{job="bot_paper"}) < 10']);
  expect(gatesFor(config, 'feed', { job: 'f', service: 'f' }).map((g) => g.name)).toEqual([
    'target up',
    'feed latency',
  ]);
  expect(config.deploy).toMatchObject({ analysisWindow: '30s', healthTimeout: '60s' });
  expect([
    compare(5, '<', 10),
    compare(10, '<', 10),
    compare(10, '<=', 10),
    compare(1, '==', 1),
    compare(NaN, '<', 10),
    compare(3, '>=', 4),
  ]).toEqual([true, false, true, true, false, false]);
});
