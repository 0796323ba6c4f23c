/**
 * The backup catalogue on disk (no Temporal imports): <dir>/<id>/ holds the dump and manifest.json. A backup is
 * built in <dir>/.staging/<id>.<attempt>/ and published by writing its manifest (tmp + rename) and then renaming
 * the folder into place, so the catalogue (folders with a valid manifest) never shows a partial backup.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { BACKUP_ID, MANIFEST_FILE, manifestSchema, type BackupManifest } from './backupManifest';
import { killStale } from './pgChild';
import { sha256File } from './pgTools';

export type ReadResult = { ok: true; manifest: BackupManifest } | { ok: false; reason: string };
export const PID_FILE = 'pg.pid';

export interface BackupStore {
  readonly dir: string;
  list(database?: string): Promise<{ backups: BackupManifest[]; incomplete: { id: string; reason: string }[] }>;
  read(id: string): Promise<ReadResult>;
  folder(id: string): string;
  /** Kills a pg tool a killed worker left behind and removes every staging folder of this backup id. */
  clearStaging(id: string): Promise<number>;
  newStaging(id: string, attempt: number): Promise<string>;
  publish(staging: string, manifest: BackupManifest): Promise<void>;
  verify(manifest: BackupManifest): Promise<string[]>; // problems; empty = every file present with its size and sha256
  remove(id: string): Promise<void>;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  await fh.sync().finally(() => fh.close());
}

export function createBackupStore(dir: string): BackupStore {
  const stagingRoot = path.join(dir, '.staging');
  const folder = (id: string) => path.join(dir, id);

  async function read(id: string): Promise<ReadResult> {
    if (!BACKUP_ID.test(id))
      return {
        ok: false,
        reason: `${JSON.stringify(id)} is not a backup id (expected <database>-<YYYYMMDDTHHMMSS.mmmZ>)`,
      };
    let text: string;
    try {
      text = await readFile(path.join(folder(id), MANIFEST_FILE), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const folderThere = await readdir(folder(id)).then(
        () => true,
        () => false,
      );
      if (!folderThere) return { ok: false, reason: `no backup ${id} in ${dir}` };
      return {
        ok: false,
        reason: `backup ${id} has no readable ${MANIFEST_FILE} (${code ?? 'error'}): incomplete or not a backup`,
      };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `backup ${id}: ${MANIFEST_FILE} is not valid JSON (${errorMessage(err)})` };
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success)
      return {
        ok: false,
        reason: `backup ${id}: ${MANIFEST_FILE} is invalid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
      };
    if (parsed.data.id !== id)
      return { ok: false, reason: `backup ${id}: its manifest names another backup (${parsed.data.id})` };
    return { ok: true, manifest: parsed.data };
  }

  return {
    dir,
    folder,
    read,
    async list(database) {
      const names = (await readdir(dir, { withFileTypes: true }).catch(() => []))
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name);
      const backups: BackupManifest[] = [];
      const incomplete: { id: string; reason: string }[] = [];
      for (const id of names) {
        const r = await read(id);
        if (r.ok) {
          if (!database || r.manifest.database === database) backups.push(r.manifest);
        } else if (!database || id.startsWith(`${database}-`)) incomplete.push({ id, reason: r.reason });
      }
      backups.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt) || b.id.localeCompare(a.id));
      return { backups, incomplete };
    },
    async clearStaging(id) {
      const entries = (await readdir(stagingRoot).catch(() => [] as string[])).filter((n) => n.startsWith(`${id}.`));
      for (const name of entries) {
        await killStale(path.join(stagingRoot, name, PID_FILE));
        await rm(path.join(stagingRoot, name), { recursive: true, force: true });
      }
      return entries.length;
    },
    async newStaging(id, attempt) {
      const staging = path.join(stagingRoot, `${id}.${attempt}`);
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true, mode: 0o700 });
      return staging;
    },
    async publish(staging, manifest) {
      const tmp = path.join(staging, `${MANIFEST_FILE}.tmp`);
      await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
      const fh = await open(tmp, 'r');
      await fh.sync().finally(() => fh.close());
      await rename(tmp, path.join(staging, MANIFEST_FILE));
      await syncDir(staging);
      await rename(staging, folder(manifest.id));
      await syncDir(dir);
    },
    async verify(manifest) {
      const problems: string[] = [];
      for (const f of manifest.files) {
        const full = path.join(folder(manifest.id), f.path);
        const actual = await sha256File(full).catch((err: NodeJS.ErrnoException) => err.code ?? errorMessage(err));
        if (typeof actual === 'string') problems.push(`${f.path}: cannot be read (${actual})`);
        else if (actual.bytes !== f.bytes)
          problems.push(`${f.path}: ${actual.bytes} bytes, the manifest says ${f.bytes} (truncated or changed)`);
        else if (actual.sha256 !== f.sha256)
          problems.push(
            `${f.path}: sha256 ${actual.sha256.slice(0, 12)}…, the manifest says ${f.sha256.slice(0, 12)}… (corrupted)`,
          );
      }
      return problems;
    },
    async remove(id) {
      if (!BACKUP_ID.test(id)) return;
      await rm(path.join(folder(id), MANIFEST_FILE), { force: true }); // out of the catalogue first
      await rm(folder(id), { recursive: true, force: true });
    },
  };
}
