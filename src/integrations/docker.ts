/** Docker Engine through dockerode. Container names are given and returned without the leading '/'. */
import Docker from 'dockerode';
import { PermanentError, TransientError, UnreachableError, errorMessage, isConnectionError } from '../errors';

export interface ContainerSummary {
  name: string;
  id: string;
  image: string;
  state: string; // running, exited, created, ...
  status: string; // human text, e.g. "Up 3 minutes (healthy)"
  labels: Record<string, string>;
}

export interface ContainerStatus {
  exists: boolean;
  name: string;
  id?: string;
  running: boolean;
  state?: string;
  health?: 'healthy' | 'unhealthy' | 'starting' | 'none';
  restartCount?: number;
  image?: string; // the reference it was created from
  imageId?: string;
  exitCode?: number;
}

export interface ContainerRuntime {
  ping(): Promise<string>; // engine version
  listContainers(filter?: { label?: string }): Promise<ContainerSummary[]>;
  status(name: string): Promise<ContainerStatus>;
  start(name: string): Promise<void>; // idempotent: already running is fine
  stop(name: string, timeoutSeconds?: number): Promise<void>; // idempotent: already stopped is fine
  restart(name: string, timeoutSeconds?: number): Promise<void>;
  imageExists(ref: string): Promise<boolean>;
  inspect(name: string): Promise<Docker.ContainerInspectInfo | undefined>; // undefined = no such container
  rename(name: string, newName: string): Promise<void>; // a retry after success (name gone, newName there) is fine
  remove(name: string, opts?: { force?: boolean }): Promise<void>; // missing = success
  /** Creates `name` from `image` with the configuration of an inspected container; returns the new id (idempotent). */
  createFromInspect(inspect: Docker.ContainerInspectInfo, target: { name: string; image: string }): Promise<string>;
  imageId(ref: string): Promise<string | undefined>; // undefined = no such image
  inspectImage(ref: string): Promise<Docker.ImageInspectInfo | undefined>; // ref or id; undefined = no such image
}

const HEALTH = ['healthy', 'unhealthy', 'starting'] as const;
const statusCodeOf = (err: unknown): number | undefined => (err as { statusCode?: number })?.statusCode;

/** Maps a dockerode error: no engine -> UnreachableError, 5xx -> TransientError, other HTTP codes -> PermanentError. */
export function toDockerError(err: unknown, what: string): Error {
  const code = statusCodeOf(err);
  const reason = (err as { json?: { message?: string } })?.json?.message ?? errorMessage(err);
  if (code === undefined && isConnectionError(err))
    return new UnreachableError(`docker ${what}: engine not reachable (${(err as { code?: string }).code})`);
  if (code === undefined || code >= 500) return new TransientError(`docker ${what}: ${reason}`);
  return new PermanentError(`docker ${what}: ${reason}`);
}

type Endpoint = Docker.ContainerInspectInfo['NetworkSettings']['Networks'][string];

/** The networks to re-attach: none for host/none/container:<id> network modes. */
export function networksOf(info: Docker.ContainerInspectInfo): [string, Endpoint][] {
  const mode = info.HostConfig.NetworkMode ?? 'default';
  if (['host', 'none'].includes(mode) || mode.startsWith('container:')) return [];
  return Object.entries(info.NetworkSettings?.Networks ?? {});
}

/** Aliases without the old container's id (Docker adds it by itself), static IPs and links. */
function endpointConfig(info: Docker.ContainerInspectInfo, net: Endpoint): Docker.EndpointSettings {
  const aliases = ((net.Aliases ?? []) as string[]).filter((a) => a !== info.Id.slice(0, 12) && a !== info.Id);
  return { Aliases: aliases, IPAMConfig: net.IPAMConfig ?? undefined, Links: net.Links ?? undefined };
}

/** Create options that carry over a container's configuration (ContainerConfig + the HostConfig that matters). */
export function createOptionsFrom(
  info: Docker.ContainerInspectInfo,
  name: string,
  image: string,
): Docker.ContainerCreateOptions {
  const h = info.HostConfig;
  const networks = networksOf(info);
  // API < 1.44 accepts a single network at create time: the NetworkMode one (or the first); the rest are connected after.
  const primary = networks.find(([net]) => net === h.NetworkMode) ?? networks[0];
  return {
    ...pick(info.Config as Docker.ContainerCreateOptions, [
      'Env',
      'Labels',
      'Cmd',
      'Entrypoint',
      'WorkingDir',
      'User',
      'ExposedPorts',
      'Healthcheck',
      'Tty',
      'OpenStdin',
      'StopSignal',
    ]),
    name,
    Image: image,
    HostConfig: pick(h, [
      'Binds',
      'Mounts',
      'PortBindings',
      'NetworkMode',
      'RestartPolicy',
      'ExtraHosts',
      'LogConfig',
      'Init',
      'CapAdd',
      'CapDrop',
      'Memory',
      'NanoCpus',
      'Tmpfs',
    ]),
    NetworkingConfig: primary ? { EndpointsConfig: { [primary[0]]: endpointConfig(info, primary[1]) } } : undefined,
  };
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]])) as Pick<T, K>;
}

export function createDockerRuntime(socketPath: string): ContainerRuntime {
  const docker = new Docker({ socketPath });
  async function call<T>(
    what: string,
    fn: () => Promise<T>,
    ok: (code: number | undefined) => boolean = () => false,
  ): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (ok(statusCodeOf(err))) return undefined;
      throw toDockerError(err, what);
    }
  }
  const container = (name: string) => docker.getContainer(name);
  const inspect = (name: string) =>
    call(
      `inspect ${name}`,
      () => container(name).inspect(),
      (c) => c === 404,
    );
  const inspectImage = (ref: string) =>
    call(
      `image ${ref}`,
      () => docker.getImage(ref).inspect(),
      (c) => c === 404,
    );
  const imageId = async (ref: string) => (await inspectImage(ref))?.Id;

  return {
    ping: async () => (await call('version', () => docker.version()))!.Version,
    async listContainers(filter) {
      const filters = filter?.label ? { label: [filter.label] } : undefined;
      const list = (await call('ps', () => docker.listContainers({ all: true, filters })))!;
      return list.map((c) => ({
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        id: c.Id,
        image: c.Image,
        state: c.State,
        status: c.Status,
        labels: c.Labels ?? {},
      }));
    },
    async status(name) {
      const info = await inspect(name);
      if (!info) return { exists: false, running: false, name };
      const health = info.State.Health?.Status;
      const { Running: running, Status: state, ExitCode: exitCode } = info.State;
      return {
        ...{ exists: true, name: info.Name.replace(/^\//, ''), id: info.Id, running, state, exitCode },
        ...{
          health: HEALTH.find((h) => h === health) ?? 'none',
          restartCount: info.RestartCount,
          image: info.Config.Image,
          imageId: info.Image,
        },
      };
    },
    start: async (name) =>
      void (await call(
        `start ${name}`,
        () => container(name).start(),
        (c) => c === 304,
      )),
    stop: async (name, t) =>
      void (await call(
        `stop ${name}`,
        () => container(name).stop(t === undefined ? {} : { t }),
        (c) => c === 304,
      )),
    restart: async (name, t) =>
      void (await call(`restart ${name}`, () => container(name).restart(t === undefined ? {} : { t }))),
    imageExists: async (ref) => (await imageId(ref)) !== undefined,
    inspect,
    async rename(name, newName) {
      const done = await call(
        `rename ${name}`,
        () =>
          container(name)
            .rename({ name: newName })
            .then(() => true),
        (c) => c === 404,
      );
      if (!done && !(await inspect(newName))) throw new PermanentError(`docker rename ${name}: no such container`);
    },
    remove: async (name, opts = {}) =>
      void (await call(
        `remove ${name}`,
        () => container(name).remove({ force: opts.force ?? false }),
        (c) => c === 404,
      )),
    async createFromInspect(info, { name, image }) {
      const options = createOptionsFrom(info, name, image);
      const created = await call(
        `create ${name}`,
        () => docker.createContainer(options),
        (c) => c === 409,
      );
      const existing = created ? undefined : await inspect(name); // 409: a retry; accept the container only if it is ours
      if (!created && existing?.Config.Image !== image) {
        throw new PermanentError(
          `docker create ${name}: a container with that name exists with image ${existing?.Config.Image ?? '?'}`,
        );
      }
      const id = created?.id ?? existing!.Id;
      const primary = Object.keys(options.NetworkingConfig?.EndpointsConfig ?? {});
      for (const [net, cfg] of networksOf(info).filter(([n]) => !primary.includes(n))) {
        const EndpointConfig = endpointConfig(info, cfg); // already connected (a retry) answers 403/409: fine
        await call(
          `connect ${name} ${net}`,
          () => docker.getNetwork(net).connect({ Container: id, EndpointConfig }),
          (c) => c === 403 || c === 409,
        );
      }
      return id;
    },
    imageId,
    inspectImage,
  };
}
