/** One-line text of a deploy plan (approval request, step log, CLI). Pure: safe outside a workflow. */
import type { DeployPlan } from '../activities/deploy/types';

export function fmtMs(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function planSummary(plan: DeployPlan): string {
  const id = (s: string) => s.replace(/^sha256:/, '').slice(0, 12);
  const gates = plan.gates.map((g) => `${g.name} ${g.op} ${g.threshold}`).join(', ') || 'none';
  return (
    `${plan.container}: ${plan.from.image} (${id(plan.from.imageId)}) → ${plan.to.image} (${id(plan.to.imageId)}); ` +
    `gates [${gates}] over ${fmtMs(plan.analysisWindowMs)}; carried over: ${plan.carriedOver.env.length} env, ` +
    `${Object.keys(plan.carriedOver.labels).length} labels, network ${plan.carriedOver.networkMode}, restart ${plan.carriedOver.restartPolicy}` +
    `${plan.carriedOver.healthcheck ? ', healthcheck' : ''}${plan.carriedOver.imageDefaultsDropped.length ? `; new image defaults for: ${plan.carriedOver.imageDefaultsDropped.join(', ')}` : ''}`
  );
}
