/**
 * Last seen restart count per container, in <dataDir>/state/restart-counts.json (written atomically).
 * Each entry remembers which check wrote it and the count before, so a retried activity of the same check
 * compares against the same baseline instead of its own write (idempotent).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface RestartRecord {
  containerId: string;
  count: number;
  seenBy: string; // the check (workflow id) that wrote it
  previous?: { containerId: string; count: number }; // the record it replaced
}
export type RestartCounts = Record<string, RestartRecord>;

export function restartCountsFile(dataDir: string): string {
  return path.join(dataDir, 'state', 'restart-counts.json');
}

export async function readRestartCounts(dataDir: string): Promise<RestartCounts> {
  try {
    return JSON.parse(await readFile(restartCountsFile(dataDir), 'utf8')) as RestartCounts;
  } catch {
    return {}; // first run (or an unreadable file): every container gets a fresh baseline
  }
}

export async function writeRestartCounts(dataDir: string, counts: RestartCounts): Promise<void> {
  const file = restartCountsFile(dataDir);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(counts, null, 2));
  await rename(tmp, file);
}

/** The baseline to compare with: what the previous check saw (for a retry of this check: what it saw before). */
export function baselineFor(
  record: RestartRecord | undefined,
  checkId: string,
): { containerId: string; count: number } | undefined {
  if (!record) return undefined;
  return record.seenBy === checkId ? record.previous : { containerId: record.containerId, count: record.count };
}

export function nextRecord(
  old: RestartRecord | undefined,
  checkId: string,
  containerId: string,
  count: number,
): RestartRecord {
  return { containerId, count, seenBy: checkId, previous: baselineFor(old, checkId) };
}
