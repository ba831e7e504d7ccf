// The package as a user gets it: `npm pack` of a staged copy of the sources (so that the
// checkout's dist/ is never rebuilt under a running test), installed into fresh projects from
// the tarball, with the server's packages at the versions this checkout uses. npm takes what
// it can from its cache (--prefer-offline). Used by installed-package.e2e.test.ts and the
// bench's install sizes.

import { execFile } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the build reads: the parts, the build's scripts and configuration. */
const STAGED = ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'machines', 'client', 'server', 'simulator', 'dev', 'playground'];
/** Peer dependencies only some setups need: a database driver, the docs page, the client's frameworks. */
const EXTRAS = new Set(['@electric-sql/pglite', 'pg', '@fastify/swagger-ui', 'prom-client', 'miniprogram-api-typings', 'react', 'vue']);

interface Manifest {
  peerDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** The packages every server needs beside miniauth (the rest: one database driver, optionally the docs UI). */
export const SERVER_PACKAGES: readonly string[] = Object.keys(manifest.peerDependencies).filter((name) => !EXTRAS.has(name));

/** `name@version` as installed in this checkout, so that npm finds it in its cache. */
export function pinned(name: string): string {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${version}`;
}

// Under `npm test` the environment carries npm's settings for this checkout (npm_config_local_prefix
// among them): the npm run here must work in its own directory, as a user's would.
const ownEnvironment = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'))),
  npm_config_update_notifier: 'false',
});

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 * 1024 * 1024, env: ownEnvironment() });
  return stdout;
}

/** Builds and packs the sources into `into`; returns the tarball's path. */
export async function packTarball(into: string): Promise<string> {
  const stage = mkdtempSync(join(tmpdir(), 'miniauth-stage-'));
  try {
    for (const entry of STAGED) {
      cpSync(join(REPO_ROOT, entry), join(stage, entry), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
    const output = await npm(['pack', '--json', '--pack-destination', into], stage);
    const [packed] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ filename: string }>;
    if (packed === undefined) throw new Error(`npm pack printed no tarball:\n${output}`);
    return join(into, packed.filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A fresh ESM project in `dir` with the packages installed (a tarball's path is a package too). */
export async function installProject(dir: string, packages: readonly string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  await npm(['install', '--prefer-offline', '--ignore-scripts', ...packages], dir);
}

/** The packages in a project's node_modules (scoped ones as @scope/name). */
export function installedPackages(dir: string): string[] {
  const root = join(dir, 'node_modules');
  return readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(root, name)).map((inner) => `${name}/${inner}`) : [name]))
    .sort();
}

/** The size of the files under a directory (as `du --apparent-size` counts them; links not followed). */
export function directoryBytes(path: string): number {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return 0;
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, name) => sum + directoryBytes(join(path, name)), 0);
}

/** A scratch directory for packing and projects; remove it when done. */
export function scratchDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'miniauth-package-'));
}
