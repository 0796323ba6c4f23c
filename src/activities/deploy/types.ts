/** Shapes the deploy activities return to the workflow (no secrets: env values of secret-looking names are redacted). */

export interface ImageVersion {
  image: string; // the reference (tag) it was created from / will be created from
  imageId: string;
}

export interface GateSpec {
  name: string;
  query: string; // rendered: {job} and {service} replaced
  op: '<' | '>' | '<=' | '>=' | '==';
  threshold: number;
}

export interface GateResult extends GateSpec {
  pass: boolean;
  values: number[]; // one per sample; none = the series does not exist (never a pass)
  detail: string;
}

export interface CarriedOver {
  env: string[]; // KEY=value, secrets as KEY=<redacted>
  labels: Record<string, string>;
  cmd: string[] | null; // null: the new image's default
  entrypoint: string[] | null;
  networkMode: string;
  networks: string[];
  mounts: string[];
  ports: string[];
  restartPolicy: string;
  healthcheck: string | null;
  imageDefaultsDropped: string[]; // settings the old container only inherited from its image: the new image's apply
}

export interface DeployPlan {
  environment: string;
  service: string;
  role: 'platform' | 'feed' | 'bot';
  container: string;
  job?: string;
  from: ImageVersion;
  to: ImageVersion;
  carriedOver: CarriedOver;
  gates: GateSpec[];
  analysisWindowMs: number;
  gateIntervalMs: number;
  healthTimeoutMs: number;
  openOrdersTimeoutMs: number;
  stopTimeoutSeconds: number;
  approval: { required: boolean; approvers: string[]; timeoutMs: number };
}

/** Where a deployment keeps its files: <dataDir>/deployments/<workflowId>/<runId>/. */
export interface DeploymentKey {
  workflowId: string;
  runId: string;
}

export interface OldContainerRecord {
  id: string;
  name: string; // the service's container name
  retiredName: string; // <name>-atc-old-<short id>
  image: string;
  imageId: string;
  inspectFile: string; // the full inspect (may contain secrets) lives only in this file
}

export interface ReadyResult {
  ok: boolean;
  detail: string;
  waitedMs: number;
}

export interface DeploymentRecord {
  deploymentId: string; // <workflowId>/<runId>
  workflowId: string;
  runId: string;
  runbook: 'deploy' | 'rollback';
  environment: string;
  service: string;
  container: string;
  from: ImageVersion;
  to: ImageVersion;
  outcome: 'succeeded' | 'rolled-back' | 'failed';
  detail: string;
  reason?: string;
  requestedBy?: string;
  approvedBy?: string;
  startedAt: string;
  finishedAt: string;
}
