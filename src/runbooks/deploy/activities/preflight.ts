/**
 * Deploy preflight and plan (read-only). Every rule that refuses is listed with its name; a check that cannot be
 * made (Docker, Prometheus or Temporal unreachable) refuses too: unknown is never OK. The feed rule for bots is the
 * daily check's `checkFeed`, called by the workflow.
 */
import { durationMs, type AtcConfig } from '../../../config';
import { errorMessage } from '../../../errors';
import { renderQuery } from '../../shared/queries';
import type { DeployRule, Refusal } from '../contract';
import type { ActivityDeps } from '../../shared/deps';
import { carryOverConfig, describeCarryOver } from './carryOver';
import { previousImageOf, readHistory } from './history';
import type { DeployPlan, GateSpec, ImageVersion } from '../contract';

const SCRAPE_MAX_AGE_MS = 120_000;

export interface PreflightRequest {
  environment: string;
  service: string;
  image: string;
  workflowId: string;
}

export const retiredPrefix = (container: string) => `${container}-atc-old-`;

export function serviceIn(config: AtcConfig, environment: string, service: string) {
  return config.services.find((s) => s.name === service && s.environments.includes(environment));
}

export function approvalPolicy(config: AtcConfig, environment: string, override?: string): DeployPlan['approval'] {
  const env = config.environments[environment];
  const timeoutMs = Math.min(durationMs(env?.approvalTimeout ?? '1h'), override ? durationMs(override) : Infinity);
  return {
    required: environment === 'live' || !!env?.requireApproval || !!env?.protected,
    approvers: env?.approvers ?? [],
    timeoutMs,
  };
}

export function gatesFor(config: AtcConfig, role: string, vars: { job: string; service: string }): GateSpec[] {
  return config.deploy.gates
    .filter((g) => !g.roles || g.roles.includes(role as never))
    .map((g) => ({ name: g.name, query: renderQuery(g.query, vars), op: g.op, threshold: g.threshold }));
}

export function createDeployPreflightActivities(deps: ActivityDeps) {
  const { config, containers } = deps;

  async function observability(job: string | undefined): Promise<string | undefined> {
    if (!job) return 'the service has no prometheusJob: nothing proves Prometheus scrapes its /metrics';
    const targets = await deps.metrics.targets(job);
    const fresh = targets.filter((t) => t.health === 'up' && Date.now() - Date.parse(t.lastScrape) < SCRAPE_MAX_AGE_MS);
    if (fresh.length === 0)
      return `Prometheus job ${job}: no target up and scraped in the last ${SCRAPE_MAX_AGE_MS / 1000} s (${targets.map((t) => `${t.instance} ${t.health} ${t.lastError}`).join('; ') || 'no targets'})`;
    const up = await deps.metrics.query(renderQuery(config.queries.targetUp!, { job }));
    if (up.samples.length === 0 || up.samples.some((s) => s.value !== 1))
      return `${up.query} is ${up.samples.map((s) => s.value).join(',') || 'empty'}, not 1`;
    return undefined;
  }

  return {
    async deployPreflight(req: PreflightRequest): Promise<{ refusals: Refusal[]; role?: string }> {
      const svc = serviceIn(config, req.environment, req.service);
      if (!svc || !config.environments[req.environment]) {
        return {
          refusals: [
            {
              rule: 'service-known',
              detail: `no service ${req.service} in environment ${req.environment} in the config`,
            },
          ],
        };
      }
      const refusals: Refusal[] = [];
      const check = async (rule: DeployRule, fn: () => Promise<string | undefined>) => {
        const detail = await fn().catch((err: unknown) => `could not be checked: ${errorMessage(err)}`);
        if (detail) refusals.push({ rule, detail });
      };
      const status = await containers.status(svc.container).catch(() => undefined);
      await check('container-present', async () =>
        status?.running
          ? undefined
          : `container ${svc.container} is ${status ? (status.exists ? status.state : 'missing') : 'not readable'}`,
      );
      await check('clean-state', async () => {
        const left = (await containers.listContainers()).filter((c) => c.name.startsWith(retiredPrefix(svc.container)));
        return left.length
          ? `an earlier deploy left ${left.map((c) => c.name).join(', ')}; restore or remove it first`
          : undefined;
      });
      const imageId = await containers.imageId(req.image).catch(() => undefined);
      await check('image-present', async () =>
        imageId
          ? undefined
          : `image ${req.image} is not present on the Docker host (no registry: build or load it first)`,
      );
      await check('image-differs', async () =>
        imageId && status?.imageId === imageId
          ? `${svc.container} already runs ${req.image} (${imageId.slice(7, 19)})`
          : undefined,
      );
      await check('one-deploy-at-a-time', async () => {
        // by service in every environment: a service is one container, whichever environment it is deployed for
        const runs = [
          ...(await deps.running.running('deploy', { service: req.service })),
          ...(await deps.running.running('rollback', { service: req.service })),
        ];
        const others = runs.filter((r) => r.workflowId !== req.workflowId).map((r) => r.workflowId);
        return others.length ? `already running for ${req.service}: ${others.join(', ')}` : undefined;
      });
      await check('no-critical-incident', async () => {
        const open = await deps.running.running('incident', { environment: req.environment, severity: 'critical' });
        return open.length
          ? `open critical incident(s) in ${req.environment}: ${open.map((o) => o.workflowId).join(', ')}`
          : undefined;
      });
      await check('observability-before-scaling', () => observability(svc.prometheusJob));
      return { refusals, role: svc.role };
    },

    async deployPlan(req: {
      environment: string;
      service: string;
      image: string;
      approvalTimeout?: string;
    }): Promise<DeployPlan> {
      const svc = serviceIn(config, req.environment, req.service)!;
      const info = await containers.inspect(svc.container);
      const toId = await containers.imageId(req.image);
      if (!info || !toId)
        throw new Error(`${info ? `image ${req.image}` : `container ${svc.container}`} disappeared after preflight`);
      const oldImage = await containers.inspectImage(info.Image);
      const carried = carryOverConfig(info, oldImage);
      const d = config.deploy;
      return {
        ...{
          environment: req.environment,
          service: svc.name,
          role: svc.role,
          container: svc.container,
          job: svc.prometheusJob,
        },
        from: { image: info.Config.Image, imageId: info.Image },
        to: { image: req.image, imageId: toId },
        carriedOver: describeCarryOver(carried.info, carried.dropped),
        gates: gatesFor(config, svc.role, { job: svc.prometheusJob ?? svc.name, service: svc.name }),
        ...{
          analysisWindowMs: durationMs(d.analysisWindow),
          gateIntervalMs: Math.max(100, durationMs(d.gateInterval)),
          healthTimeoutMs: durationMs(d.healthTimeout),
        },
        ...{
          openOrdersTimeoutMs: durationMs(d.openOrdersTimeout),
          stopTimeoutSeconds: Math.ceil(durationMs(d.stopTimeout) / 1000),
        },
        approval: approvalPolicy(config, req.environment, req.approvalTimeout),
      };
    },

    /** The rollback target: the image before the current one, from the deployment history. */
    async deployPreviousImage(req: { environment: string; service: string }): Promise<ImageVersion | undefined> {
      const svc = serviceIn(config, req.environment, req.service);
      const current = svc ? await containers.status(svc.container) : undefined;
      return previousImageOf(readHistory(config.dataDir), req.environment, req.service, current?.imageId);
    },
  };
}
