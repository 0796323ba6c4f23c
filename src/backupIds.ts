/** Backup ids, shared by the workflows (deterministic id from workflow time), the catalogue and the CLI. Pure. */

/** <config name>-<UTC stamp with milliseconds>, e.g. trading-20250101T030000.000Z; safe as a folder name. */
export const BACKUP_ID = /^[a-z][a-z0-9_-]{0,62}-\d{8}T\d{6}\.\d{3}Z$/;

/** UTC stamp of a backup id: 20250101T030000.000Z. */
export function backupStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '');
}

export function backupIdOf(database: string, at: Date): string {
  return `${database}-${backupStamp(at)}`;
}
