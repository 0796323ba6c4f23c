/**
 * pg_dump / pg_restore (no Temporal imports). Custom format: pg_dump writes to stdout and the bytes stream
 * through sha256 into the file (no second read). Directory format (pg_dump -Fd -j N, never with TimescaleDB):
 * pg_dump writes the files itself, so each file is hashed after the dump (one extra read, documented).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PermanentError, errorMessage } from '../errors';
import { connString, spawnTool, toolError, withPassfile, type ChildControl, type PgConn } from './pgChild';

export interface FileDigest {
  path: string; // relative to the backup folder
  bytes: number;
  sha256: string;
}
export interface Progress {
  bytes: number; // written so far (for heartbeats)
}

export interface PgTools {
  versions(): Promise<{ pgDump: string; pgRestore: string }>;
  dumpCustom(
    conn: PgConn,
    file: string,
    opts: ChildControl & { snapshot?: string; progress?: Progress },
  ): Promise<FileDigest>;
  dumpDirectory(
    conn: PgConn,
    dir: string,
    opts: ChildControl & { snapshot?: string; jobs: number; progress?: Progress },
  ): Promise<FileDigest[]>;
  /** `pg_restore --list`: the archive's table of contents, one line per entry (comments dropped). */
  listArchive(archive: string): Promise<string[]>;
  restore(conn: PgConn, archive: string, opts: ChildControl & { jobs: number }): Promise<void>;
}

export async function sha256File(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function createPgTools(binDir: string): PgTools {
  const bin = (tool: string) => path.join(binDir, tool);
  const dumpArgs = (conn: PgConn, snapshot?: string) => [
    '--no-password',
    ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    `--dbname=${connString(conn)}`,
  ];

  async function simple(tool: string, args: string[]): Promise<string> {
    let out = '';
    const s = await spawnTool(bin(tool), args, { LC_ALL: 'C' }, {}, 'pipe').catch((err: unknown) => {
      throw new PermanentError(`cannot run ${bin(tool)}: ${errorMessage(err)}`);
    });
    s.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const { code, signal } = await s.exit;
    if (code !== 0) throw toolError(tool, args.join(' '), code, signal, s.stderr());
    return out;
  }

  return {
    async versions() {
      const [pgDump, pgRestore] = await Promise.all([
        simple('pg_dump', ['--version']),
        simple('pg_restore', ['--version']),
      ]);
      return { pgDump: pgDump.trim(), pgRestore: pgRestore.trim() };
    },

    async dumpCustom(conn, file, opts) {
      return withPassfile(conn, async (env) => {
        const s = await spawnTool(
          bin('pg_dump'),
          ['--format=custom', ...dumpArgs(conn, opts.snapshot)],
          env,
          opts,
          'pipe',
        );
        const hash = createHash('sha256');
        let bytes = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            bytes += chunk.length;
            if (opts.progress) opts.progress.bytes = bytes;
            done(null, chunk);
          },
        });
        const written = pipeline(s.child.stdout!, tap, createWriteStream(file, { mode: 0o600 }));
        const [{ code, signal }] = await Promise.all([
          s.exit,
          written.catch((err: unknown) => {
            s.child.kill('SIGKILL'); // the file cannot be written (disk full?): stop the dump
            throw new PermanentError(`writing ${file} failed: ${errorMessage(err)}`);
          }),
        ]);
        if (code !== 0) throw toolError('pg_dump', `of ${JSON.stringify(conn.database)}`, code, signal, s.stderr());
        await fsyncPath(file);
        return { path: path.basename(file), bytes, sha256: hash.digest('hex') };
      });
    },

    async dumpDirectory(conn, dir, opts) {
      await withPassfile(conn, async (env) => {
        const args = ['--format=directory', `--jobs=${opts.jobs}`, `--file=${dir}`, ...dumpArgs(conn, opts.snapshot)];
        const s = await spawnTool(bin('pg_dump'), args, env, opts, 'ignore');
        const timer = setInterval(() => {
          void dirBytes(dir).then(
            (b) => opts.progress && (opts.progress.bytes = b),
            () => undefined,
          );
        }, 1000);
        try {
          const { code, signal } = await s.exit;
          if (code !== 0) throw toolError('pg_dump', `of ${JSON.stringify(conn.database)}`, code, signal, s.stderr());
        } finally {
          clearInterval(timer);
        }
      });
      const files = (await readdir(dir)).sort();
      const digests: FileDigest[] = [];
      for (const f of files) {
        const full = path.join(dir, f);
        await fsyncPath(full);
        digests.push({ path: path.join(path.basename(dir), f), ...(await sha256File(full)) });
      }
      return digests;
    },

    async listArchive(archive) {
      const out = await simple('pg_restore', ['--list', '--', archive]);
      return out.split('\n').filter((l) => l.trim() && !l.startsWith(';'));
    },

    async restore(conn, archive, opts) {
      await withPassfile(conn, async (env) => {
        const args = [
          '--no-password',
          '--exit-on-error',
          `--jobs=${opts.jobs}`,
          `--dbname=${connString(conn)}`,
          '--',
          archive,
        ];
        const s = await spawnTool(bin('pg_restore'), args, env, opts, 'ignore');
        const { code, signal } = await s.exit;
        if (code !== 0)
          throw toolError('pg_restore', `into ${JSON.stringify(conn.database)}`, code, signal, s.stderr());
      });
    },
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir).catch(() => [] as string[]))
    total += (await stat(path.join(dir, f)).catch(() => ({ size: 0 }))).size;
  return total;
}
