/** src/integrations/docker.ts against a dockerd started for this file. No mocks. */
import * as path from 'node:path';
import Docker from 'dockerode';
import { PermanentError, UnreachableError } from '../../src/errors';
import { createDockerRuntime } from '../../src/integrations/docker';
import { type DockerService, importSleeperImage, startDockerd } from './support/services';
import { waitFor } from '../support/waitFor';

jest.setTimeout(60_000);

let dockerd: DockerService;

beforeAll(async () => {
  dockerd = await startDockerd();
}, 180_000);
afterAll(async () => dockerd?.stop(), 120_000);

describe('docker', () => {
  const rt = () => createDockerRuntime(dockerd.socketPath);

  test('ping, a missing container, a missing image, and an engine that is not there', async () => {
    expect(await rt().ping()).toMatch(/^\d+\.\d+/);
    expect(await rt().status('atc-it-missing')).toEqual({ exists: false, running: false, name: 'atc-it-missing' });
    expect(await rt().inspect('atc-it-missing')).toBeUndefined();
    expect(await rt().imageExists('atc-it/none:1')).toBe(false);
    expect(await rt().imageId('atc-it/none:1')).toBeUndefined();
    expect(await rt().listContainers({ label: 'atc.it=none' })).toEqual([]);
    await rt().remove('atc-it-missing'); // missing = success
    await expect(rt().start('atc-it-missing')).rejects.toBeInstanceOf(PermanentError);
    await expect(createDockerRuntime(path.join(dockerd.dir, 'nope.sock')).ping()).rejects.toBeInstanceOf(
      UnreachableError,
    );
  });

  test('container lifecycle and re-creation from inspect (needs gcc -static to build an image)', async () => {
    const docker = new Docker({ socketPath: dockerd.socketPath });
    await importSleeperImage(docker, 'atc-it/sleeper', ['1', '2']); // gcc -static: installed by scripts/install-deps.sh
    await lifecycle(docker);
  }, 120_000);
});

async function lifecycle(docker: Docker): Promise<void> {
  const r = createDockerRuntime(dockerd.socketPath);
  expect(await r.imageExists('atc-it/sleeper:1')).toBe(true);
  for (const name of ['atc-it-a', 'atc-it-b'])
    await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true });
  await docker.createContainer({
    name: 'atc-it-app',
    Image: 'atc-it/sleeper:1',
    Cmd: ['/sleeper'],
    Env: ['FEED_URL=http://feed'],
    Labels: { 'atc.it': '1' },
    WorkingDir: '/tmp',
    Healthcheck: { Test: ['CMD', '/sleeper', 'check'], Interval: 500_000_000, Timeout: 1e9, Retries: 3 },
    HostConfig: {
      NetworkMode: 'atc-it-a',
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
      ExtraHosts: ['feed.local:127.0.0.1'],
      Binds: [`${dockerd.dir}:/host:ro`],
    },
    NetworkingConfig: { EndpointsConfig: { 'atc-it-a': { Aliases: ['app'] } } },
  });
  await docker.getNetwork('atc-it-b').connect({ Container: 'atc-it-app', EndpointConfig: { Aliases: ['app-b'] } });
  expect(await r.listContainers({ label: 'atc.it=1' })).toEqual([
    expect.objectContaining({ name: 'atc-it-app', image: 'atc-it/sleeper:1', state: 'created' }),
  ]);
  await r.start('atc-it-app');
  await r.start('atc-it-app'); // 304: already started
  await waitFor('healthy', async () => (await r.status('atc-it-app')).health === 'healthy', { timeoutMs: 20_000 });
  expect(await r.status('atc-it-app')).toMatchObject({
    exists: true,
    running: true,
    state: 'running',
    image: 'atc-it/sleeper:1',
    imageId: await r.imageId('atc-it/sleeper:1'),
    restartCount: 0,
  });
  await r.stop('atc-it-app', 2);
  await r.stop('atc-it-app', 2); // 304: already stopped
  expect(await r.status('atc-it-app')).toMatchObject({ running: false, state: 'exited', exitCode: 0 });
  await r.restart('atc-it-app', 2);
  expect((await r.status('atc-it-app')).running).toBe(true);

  await r.rename('atc-it-app', 'atc-it-app-prev');
  await r.rename('atc-it-app', 'atc-it-app-prev'); // a retry after success
  await expect(r.rename('atc-it-none', 'atc-it-none2')).rejects.toBeInstanceOf(PermanentError);
  expect((await r.status('atc-it-app')).exists).toBe(false);
  const old = (await r.inspect('atc-it-app-prev'))!;
  await r.stop('atc-it-app-prev', 2);
  const id = await r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:2' });
  expect(await r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:2' })).toBe(id); // a retry
  await expect(r.createFromInspect(old, { name: 'atc-it-app', image: 'atc-it/sleeper:1' })).rejects.toBeInstanceOf(
    PermanentError,
  );
  const made = (await r.inspect('atc-it-app'))!;
  expect(made.Id).toBe(id);
  expect(made.Config).toMatchObject({
    Image: 'atc-it/sleeper:2',
    Cmd: ['/sleeper'],
    WorkingDir: '/tmp',
    Labels: { 'atc.it': '1' },
    Healthcheck: old.Config.Healthcheck,
  });
  expect(made.Config.Env).toContain('FEED_URL=http://feed');
  expect(made.HostConfig).toMatchObject({
    NetworkMode: 'atc-it-a',
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
    ExtraHosts: ['feed.local:127.0.0.1'],
    Binds: [`${dockerd.dir}:/host:ro`],
  });
  await r.start('atc-it-app');
  const nets = (await r.inspect('atc-it-app'))!.NetworkSettings.Networks;
  expect(Object.keys(nets).sort()).toEqual(['atc-it-a', 'atc-it-b']);
  expect(nets['atc-it-a']!.Aliases).toContain('app');
  expect(nets['atc-it-b']!.Aliases).toContain('app-b');
  expect(await r.status('atc-it-app')).toMatchObject({ running: true, image: 'atc-it/sleeper:2' });

  for (const name of ['atc-it-app-prev', 'atc-it-app']) await r.remove(name, { force: true });
  await r.remove('atc-it-app-prev');
  expect(await r.listContainers({ label: 'atc.it=1' })).toEqual([]);
  for (const name of ['atc-it-a', 'atc-it-b']) await docker.getNetwork(name).remove();
}
