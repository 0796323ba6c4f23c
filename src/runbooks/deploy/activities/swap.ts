/**
 * The container swap of a deploy, one idempotent activity per step. Each reads Docker's current state (by the old
 * container's id, the service's name and the retired name <name>-atc-old-<short id>) before acting, so a retry
 * after a worker kill continues where the last attempt stopped. The old container's full inspect (it may hold
 * secrets) is written once to <dataDir>/deployments/<workflowId>/<runId>/old-inspect.json and never returned.
 */
import * as path from 'node:path';
import type Docker from 'dockerode';
import { PermanentError } from '../../../errors';
import type { ActivityDeps } from '../../shared/deps';
import { carryOverConfig } from './carryOver';
import { appendHistory, deploymentDir, readJsonFile, writeJsonAtomic } from './history';
import { retiredPrefix } from './preflight';
import type { DeploymentKey, DeploymentRecord, OldContainerRecord } from '../contract';

const nameOf = (info: Docker.ContainerInspectInfo) => info.Name.replace(/^\//, '');
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
export const retiredName = (container: string, id: string) => `${retiredPrefix(container)}${short(id)}`;

export function createDeploySwapActivities(deps: ActivityDeps) {
  const { containers } = deps;
  const inspectFile = (key: DeploymentKey) => path.join(deploymentDir(deps.config.dataDir, key), 'old-inspect.json');

  async function recorded(key: DeploymentKey): Promise<Docker.ContainerInspectInfo> {
    const info = await readJsonFile<Docker.ContainerInspectInfo>(inspectFile(key));
    if (!info) throw new PermanentError(`no recorded old container for ${key.workflowId}/${key.runId}`);
    return info;
  }
  async function current(old: Docker.ContainerInspectInfo, what: string): Promise<Docker.ContainerInspectInfo> {
    const now = await containers.inspect(old.Id);
    if (!now) throw new PermanentError(`old container ${short(old.Id)} no longer exists: cannot ${what}`);
    return now;
  }

  return {
    /** Step record-old: inspects the running container once and keeps the inspect in a file. */
    async deployRecordOld(req: { key: DeploymentKey; container: string }): Promise<OldContainerRecord> {
      const file = inspectFile(req.key);
      let info = await readJsonFile<Docker.ContainerInspectInfo>(file);
      if (!info) {
        info = await containers.inspect(req.container);
        if (!info) throw new PermanentError(`container ${req.container} does not exist`);
        await writeJsonAtomic(file, info);
      }
      return {
        id: info.Id,
        name: req.container,
        retiredName: retiredName(req.container, info.Id),
        image: info.Config.Image,
        imageId: info.Image,
        inspectFile: file,
      };
    },

    /** Step retire-old: rename the old container out of the way and stop it (it is kept until the new one is proven). */
    async deployRetireOld(req: { key: DeploymentKey; container: string; stopTimeoutSeconds: number }): Promise<string> {
      const old = await recorded(req.key);
      const now = await current(old, 'retire it');
      const target = retiredName(req.container, old.Id);
      const done: string[] = [];
      if (nameOf(now) !== target) {
        await containers.rename(old.Id, target);
        done.push(`renamed to ${target}`);
      }
      if (now.State.Running) {
        await containers.stop(old.Id, req.stopTimeoutSeconds);
        done.push('stopped');
      }
      return done.length ? done.join(', ') : `already renamed to ${target} and stopped`;
    },

    /** Step start-new: create the container under the service's name with the carried-over settings, and start it. */
    async deployStartNew(req: { key: DeploymentKey; container: string; image: string }): Promise<string> {
      const old = await recorded(req.key);
      const existing = await containers.inspect(req.container);
      if (existing?.Id === old.Id)
        throw new PermanentError(`${req.container} is still the old container: retire it first`);
      if (existing && existing.Config.Image !== req.image) {
        throw new PermanentError(
          `a container ${req.container} with image ${existing.Config.Image} appeared during the deploy`,
        );
      }
      const id =
        existing?.Id ??
        (await containers.createFromInspect(carryOverConfig(old, await containers.inspectImage(old.Image)).info, {
          name: req.container,
          image: req.image,
        }));
      await containers.start(id);
      return `${existing ? 'found' : 'created'} ${req.container} (${short(id)}) from ${req.image}, started`;
    },

    /** Rollback: remove whatever holds the service's name (the new container), rename the old one back, start it. */
    async deployRestoreOld(req: { key: DeploymentKey; container: string }): Promise<string> {
      const old = await recorded(req.key);
      const done: string[] = [];
      const holder = await containers.inspect(req.container);
      if (holder && holder.Id !== old.Id) {
        await containers.remove(holder.Id, { force: true });
        done.push(`removed the new container ${short(holder.Id)} (${holder.Config.Image})`);
      }
      const now = await current(old, 'restore it');
      if (nameOf(now) !== req.container) {
        await containers.rename(old.Id, req.container);
        done.push(`renamed ${short(old.Id)} back to ${req.container}`);
      }
      if (!now.State.Running) {
        await containers.start(old.Id);
        done.push('started');
      }
      return done.length ? done.join(', ') : `${req.container} (${short(old.Id)}) already restored and running`;
    },

    /** Step finish: the new container is proven; remove the old container (its image stays). */
    async deployRemoveOld(req: { key: DeploymentKey; container: string }): Promise<string> {
      const old = await recorded(req.key);
      const now = await containers.inspect(old.Id);
      if (!now) return `old container ${short(old.Id)} already removed`;
      if (nameOf(now) === req.container)
        throw new PermanentError(`the old container holds ${req.container} again: not removing it`);
      await containers.remove(old.Id, { force: true });
      return `removed old container ${nameOf(now)} (image ${old.Config.Image} kept)`;
    },

    async deployRecordHistory(record: DeploymentRecord): Promise<boolean> {
      return appendHistory(deps.config.dataDir, record);
    },
  };
}
