/**
 * Deployment files under <dataDir>/deployments: one folder per execution (<workflowId>/<runId>/, the old container's
 * full inspect, mode 0600) and history.jsonl (one record per finished deployment, appended once per execution).
 * Also read by `atc deployments`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DeploymentKey, DeploymentRecord, ImageVersion } from '../contract';

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

export const deploymentsDir = (dataDir: string) => path.join(dataDir, 'deployments');
export const historyFile = (dataDir: string) => path.join(deploymentsDir(dataDir), 'history.jsonl');
export const deploymentDir = (dataDir: string, key: DeploymentKey) =>
  path.join(deploymentsDir(dataDir), safe(key.workflowId), safe(key.runId));
export const deploymentId = (key: DeploymentKey) => `${key.workflowId}/${key.runId}`;

/** Writes via a temp file and rename, so a reader (or a retry after a kill) never sees half a file. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  await rename(tmp, file);
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Every record, oldest first; a torn last line (a crash mid-append) is skipped. */
export function readHistory(dataDir: string): DeploymentRecord[] {
  const file = historyFile(dataDir);
  if (!existsSync(file)) return [];
  const out: DeploymentRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as DeploymentRecord);
    } catch {
      /* torn line */
    }
  }
  return out;
}

/** Appends once per deploymentId; false when it is already there (a retry). */
export async function appendHistory(dataDir: string, record: DeploymentRecord): Promise<boolean> {
  if (readHistory(dataDir).some((r) => r.deploymentId === record.deploymentId)) return false;
  await mkdir(deploymentsDir(dataDir), { recursive: true, mode: 0o700 });
  const file = historyFile(dataDir);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lead = text && !text.endsWith('\n') ? '\n' : ''; // after a torn line, start a fresh one
  await appendFile(file, `${lead}${JSON.stringify(record)}\n`, { mode: 0o600 });
  return true;
}

/**
 * The image a service ran before its current one: the `from` of the latest successful deployment of it (deploy or
 * rollback) that ended on the image it runs now; without such a record, of its latest successful deployment.
 */
export function previousImageOf(
  history: DeploymentRecord[],
  environment: string,
  service: string,
  currentImageId?: string,
): ImageVersion | undefined {
  const done = history.filter(
    (r) => r.environment === environment && r.service === service && r.outcome === 'succeeded',
  );
  const onCurrent = done.filter((r) => r.to.imageId === currentImageId);
  return (onCurrent.at(-1) ?? done.at(-1))?.from;
}
