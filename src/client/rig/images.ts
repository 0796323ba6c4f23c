/**
 * Offline simulator images (no registry): a rootfs with /usr/bin/node + its ldd libraries, the compiled
 * simulator JS (dist/client/sim) and pg's runtime closure, tarred and imported into Docker under each tag.
 * Idempotent: a tag whose image carries the current content hash (label atc.sim.hash) is left alone.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { PermanentError } from '../../errors';

const execFileAsync = promisify(execFile);
const NODE_BINARY = '/usr/bin/node';
const RECIPE_VERSION = '1'; // bump when the rootfs layout changes
export const SIM_HASH_LABEL = 'atc.sim.hash';

export interface BuildSimImagesOptions {
  docker: Dockerode;
  repoRoot: string;
  workDir: string;
  tags: string[]; // e.g. ['atc-sim:1.0.0', 'atc-sim:1.1.0', 'atc-sim:1.2.0-breach']
}

/** 'atc-sim:1.1.0-breach' -> repo 'atc-sim', version '1.1.0-breach', behavior 'breach'. */
export function parseSimTag(tag: string): {
  repo: string;
  version: string;
  behavior: 'normal' | 'breach' | 'unhealthy';
} {
  const colon = tag.lastIndexOf(':');
  if (colon <= tag.lastIndexOf('/') || colon === tag.length - 1)
    throw new PermanentError(`image tag needs an explicit version: ${tag}`);
  const version = tag.slice(colon + 1);
  const behavior = version.endsWith('-breach') ? 'breach' : version.endsWith('-unhealthy') ? 'unhealthy' : 'normal';
  return { repo: tag.slice(0, colon), version, behavior };
}

function simDistDir(repoRoot: string): string {
  return path.join(repoRoot, 'dist', 'client', 'sim');
}

/** sha256 over the compiled simulator JS, the node version and the recipe version. */
export function simContentHash(repoRoot: string): string {
  const dir = simDistDir(repoRoot);
  if (!existsSync(path.join(dir, 'main.js')))
    throw new PermanentError(`${dir}/main.js is missing: run the build (tsc -p tsconfig.build.json) first`);
  const hash = createHash('sha256').update(`recipe=${RECIPE_VERSION} node=${process.version}\n`);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort())
    hash.update(`${file}\n`).update(readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 32);
}

/** Absolute paths of the shared libraries (and the loader) `ldd` lists for a binary. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await execFileAsync('ldd', [binary]);
  const libs = stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line.trim())?.[1])
    .filter((p): p is string => !!p);
  if (!libs.some((lib) => lib.includes('ld-linux')))
    throw new PermanentError(`ldd ${binary}: no dynamic loader found in:\n${stdout}`);
  return libs;
}

/** Node's lookup: <dir>/node_modules/<name> from the requiring package's folder up to repoRoot. */
function resolvePackage(name: string, fromDir: string, repoRoot: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === repoRoot || dir === path.dirname(dir)) return undefined;
  }
}

/** pg plus its runtime `dependencies` (and optional ones that are installed), as node_modules-relative dirs. */
export function dependencyClosure(repoRoot: string, root: string): string[] {
  const top = path.resolve(repoRoot);
  const nodeModules = path.join(top, 'node_modules');
  const seen = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const pkgDir = resolvePackage(name, fromDir, top);
    if (!pkgDir) {
      if (optional) return;
      throw new PermanentError(`runtime dependency ${name} of the simulator is not installed under ${nodeModules}`);
    }
    const rel = path.relative(nodeModules, pkgDir);
    if (seen.has(rel)) return;
    seen.add(rel);
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, pkgDir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, pkgDir, true);
  };
  visit(root, top, false);
  return [...seen].sort();
}

async function buildRootfsTar(repoRoot: string, workDir: string, hash: string): Promise<string> {
  const rootfs = path.join(workDir, `sim-rootfs-${hash}`);
  const tarPath = `${rootfs}.tar`;
  rmSync(rootfs, { recursive: true, force: true });
  for (const file of [NODE_BINARY, ...(await sharedLibraries(NODE_BINARY))]) {
    const target = path.join(rootfs, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target); // follows symlinks: the real library lands at the path ldd printed
    chmodSync(target, 0o755);
  }
  cpSync(simDistDir(repoRoot), path.join(rootfs, 'app', 'sim'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map'),
  });
  for (const rel of dependencyClosure(repoRoot, 'pg')) {
    const src = path.join(repoRoot, 'node_modules', rel);
    cpSync(src, path.join(rootfs, 'app', 'node_modules', rel), {
      recursive: true,
      dereference: true,
      filter: (p) => !path.relative(src, p).split(path.sep).includes('node_modules'), // nested deps come from the walk
    });
  }
  mkdirSync(path.join(rootfs, 'tmp'), { recursive: true });
  chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  writeFileSync(
    path.join(rootfs, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  writeFileSync(path.join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  await execFileAsync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tarPath, '.']);
  rmSync(rootfs, { recursive: true, force: true });
  return tarPath;
}

async function importTar(docker: Dockerode, tarPath: string, tag: string, hash: string): Promise<void> {
  const { repo, version, behavior } = parseSimTag(tag);
  const changes = [
    'WORKDIR /app',
    `ENV SIM_VERSION=${version}`,
    `ENV SIM_BEHAVIOR=${behavior}`,
    'ENV NODE_ENV=production',
    `LABEL ${SIM_HASH_LABEL}=${hash} atc.sim.version=${version}`,
    'USER 65534:65534',
    'CMD ["/usr/bin/node","/app/sim/main.js"]',
  ];
  const stream = await docker.importImage(tarPath, { repo, tag: version, changes });
  const events = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: unknown[]) =>
      err ? reject(err) : resolve(out as never),
    ),
  );
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) throw new PermanentError(`docker import ${tag}: ${failed.error ?? failed.errorDetail?.message}`);
}

/** Label hash of an existing image, or undefined when the tag is absent. */
async function existingHash(docker: Dockerode, tag: string): Promise<{ id: string; hash?: string } | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return { id: info.Id, hash: info.Config?.Labels?.[SIM_HASH_LABEL] };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

export async function buildSimImages(opts: BuildSimImagesOptions): Promise<string[]> {
  const hash = simContentHash(opts.repoRoot);
  mkdirSync(opts.workDir, { recursive: true });
  let tarPath: string | undefined;
  try {
    for (const tag of opts.tags) {
      const existing = await existingHash(opts.docker, tag);
      if (existing?.hash === hash) continue;
      tarPath ??= await buildRootfsTar(opts.repoRoot, opts.workDir, hash);
      await importTar(opts.docker, tarPath, tag, hash);
      // the stale image lost its tag; drop it unless a container still uses it
      if (existing)
        await opts.docker
          .getImage(existing.id)
          .remove()
          .catch(() => undefined);
    }
  } finally {
    if (tarPath) rmSync(tarPath, { force: true });
  }
  if (tarPath)
    await opts.docker.pruneImages({ filters: { dangling: ['true'], label: [SIM_HASH_LABEL] } }).catch(() => undefined); // unused old builds
  return [...opts.tags];
}
