/**
 * deploy: replace a service's container with one from another image, keeping its configuration.
 * Steps: preflight (service known, image present, one deploy at a time, no open critical incident, feed healthy
 * for bots, Prometheus scrapes the service) → plan (--dry-run stops) → approval (per environment; live always) →
 * bot halt → record/retire old → start new → verify (health, gates over the analysis window) → finish.
 * Compensation: automatic rollback to the old container on any failure after the swap began (see deployChange.ts).
 */
import { validateInput } from './common';
import { deployInput, type DeployInput, type DeployResult } from './deployInputs';
import { runDeployment } from './deployRun';

export async function deploy(raw: DeployInput): Promise<DeployResult> {
  const input = validateInput(deployInput, raw);
  return runDeployment({ ...input, runbook: 'deploy' });
}
