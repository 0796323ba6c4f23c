/** The manifest of one backup (manifest.json, written last): what was dumped, how, and the checksum of every file. */
import { z } from 'zod';
import { BACKUP_ID } from '../backupIds';

export { BACKUP_ID } from '../backupIds';
export const MANIFEST_FILE = 'manifest.json';

export const manifestSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string().regex(BACKUP_ID),
  database: z.string(), // the config name
  databaseName: z.string(), // the PostgreSQL name
  host: z.string(),
  port: z.number(),
  workflowId: z.string(),
  serverVersion: z.string(),
  encoding: z.string(),
  extensions: z.array(z.object({ name: z.string(), version: z.string() })),
  timescaledb: z.boolean(),
  tables: z.array(
    z.object({
      schema: z.string(),
      name: z.string(),
      kind: z.enum(['table', 'partitioned']),
      rows: z.number(),
      bytes: z.number(),
    }),
  ),
  databaseBytes: z.number(),
  format: z.enum(['custom', 'directory']),
  archive: z.string(), // what pg_restore reads: the file (custom) or the folder (directory), relative to the backup folder
  files: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  dumpBytes: z.number(),
  tocEntries: z.number(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  tools: z.object({ pgDump: z.string(), pgRestore: z.string() }),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** Which complete backups retention removes: keeps every backup of the newest `daily` days that have backups and the newest backup of each of the newest `monthly` months. */
export function retentionPlan(
  backups: { id: string; finishedAt: string }[],
  keep: { daily: number; monthly: number },
  always: string[] = [],
): string[] {
  const sorted = [...backups].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  const days = [...new Set(sorted.map((b) => b.finishedAt.slice(0, 10)))].slice(0, keep.daily);
  const kept = new Set(always);
  for (const b of sorted) if (days.includes(b.finishedAt.slice(0, 10))) kept.add(b.id);
  const months = new Set<string>();
  for (const b of sorted) {
    const month = b.finishedAt.slice(0, 7);
    if (months.has(month) || months.size >= keep.monthly) continue;
    months.add(month);
    kept.add(b.id);
  }
  return sorted.filter((b) => !kept.has(b.id)).map((b) => b.id);
}
