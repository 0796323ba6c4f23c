/** Inputs of the backup, restore and restore-test runbooks (validated by the CLI and again inside the workflow). */
import { z } from 'zod';
import { BACKUP_ID } from '../../backupIds';
import { actorName, configDatabase, environmentName } from '../shared/names';

const utf8Bytes = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, 'x').length;
/** Any PostgreSQL database name: quotes, spaces and a leading dash are fine (always quoted); at most 63 bytes, no NUL. */
export const pgDatabaseName = z
  .string()
  .min(1, 'a database name is required')
  .refine((s) => !s.includes('\u0000'), 'a database name cannot contain NUL')
  .refine((s) => utf8Bytes(s) <= 63, 'a database name has at most 63 bytes')
  .refine(
    (s) => !/^atc_(restoring|replaced)_/.test(s),
    'atc_restoring_* and atc_replaced_* are reserved for restores in progress',
  );

export const backupInput = z
  .object({
    environment: environmentName.default('dev'),
    database: configDatabase,
    requestedBy: actorName.optional(),
  })
  .strict();
export type BackupInput = z.input<typeof backupInput>;

export const restoreInput = z
  .object({
    environment: environmentName.default('dev'),
    database: configDatabase, // whose backups, and which server
    backup: z
      .union([
        z.literal('latest'),
        z.string().regex(BACKUP_ID, 'a backup id such as trading-20250101T030000.000Z, or latest'),
      ])
      .default('latest'),
    target: pgDatabaseName,
    overwrite: z.boolean().default(false),
    requestedBy: actorName.optional(),
  })
  .strict();
export type RestoreInput = z.input<typeof restoreInput>;

export const restoreTestInput = z
  .object({
    environment: environmentName.default('dev'),
    databases: z.array(configDatabase).max(100).optional(), // default: every configured database
    requestedBy: actorName.optional(),
  })
  .strict();
export type RestoreTestInput = z.input<typeof restoreTestInput>;
