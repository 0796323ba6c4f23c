/**
 * The `backups:` config key (backup / restore / restore-test runbooks). Kept in its own module so config.ts only
 * gains one key. Paths: `dir` absolute, or relative to dataDir; default <dataDir>/backups.
 */
import * as path from 'node:path';
import { z } from 'zod';

export const backupsSchema = z
  .object({
    dir: z.string().min(1).optional(),
    format: z.enum(['custom', 'directory']).default('custom'), // directory = pg_dump -Fd -j dumpJobs (never with TimescaleDB)
    dumpJobs: z.number().int().min(1).max(32).default(2), // only for format: directory
    // pg_restore -j; always 1 with TimescaleDB. Worth raising for directory-format backups of many tables: a custom
    // archive written through the checksum stream has no data offsets, so parallel workers must scan for their data.
    restoreJobs: z.number().int().min(1).max(32).default(1),
    retention: z
      .object({
        daily: z.number().int().min(1).default(7), // every backup of the newest N days that have backups
        monthly: z.number().int().min(0).default(12), // plus the newest backup of each of the newest M months
      })
      .strict()
      .prefault({}),
    pgBinDir: z.string().min(1).default('/usr/lib/postgresql/15/bin'),
    maintenanceDatabase: z.string().min(1).default('postgres'), // where CREATE/DROP/ALTER DATABASE run
  })
  .strict()
  .prefault({});

export type BackupsConfig = z.infer<typeof backupsSchema>;

export function backupsDir(config: { dataDir: string; backups: BackupsConfig }): string {
  return path.resolve(config.dataDir, config.backups.dir ?? 'backups');
}

export function reportsDir(config: { dataDir: string }): string {
  return path.join(path.resolve(config.dataDir), 'reports', 'restore-test');
}

export function restoreTestStateFile(config: { dataDir: string }): string {
  return path.join(path.resolve(config.dataDir), 'state', 'restore-test.json');
}
