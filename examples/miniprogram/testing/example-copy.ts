// The example as a team would run it: a copy of examples/miniprogram with the SDK built fresh
// into lib/miniauth.js (build output never lands in the source tree). The bundle is cached in
// the temp folder under a hash of the SDK's sources, so test files share one build per change.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMiniprogram } from '../../../client/build.js';

export const EXAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(EXAMPLE_DIR, '..', '..');
/** Where the SDK bundle goes in a mini program (and where app.js requires it from). */
export const SDK_PATH = join('lib', 'miniauth.js');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(dir, file))
    .sort();
}

/** A hash of everything that goes into the bundle: SDK and machine sources, the build, xstate's version. */
function bundleHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...sourcesUnder(join(REPO_ROOT, 'client')),
    ...sourcesUnder(join(REPO_ROOT, 'machines')),
    join(REPO_ROOT, 'node_modules', 'xstate', 'package.json'),
  ];
  for (const file of inputs) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Bundles of earlier sources, left by earlier runs, go once they are a day old. */
function forgetOldBundles(dir: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (file !== keep && statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
  }
}

/** The SDK bundle for the current sources: built once, then reused by every test file. */
async function sdkBundle(): Promise<string> {
  const cached = join(tmpdir(), 'miniauth-example-sdk', `${bundleHash()}.js`);
  if (existsSync(cached)) return cached;
  mkdirSync(dirname(cached), { recursive: true });
  // Two test files may build at once: each writes its own file, the rename is atomic.
  const building = `${cached}.${process.pid}.tmp`;
  await buildMiniprogram(building);
  renameSync(building, cached);
  forgetOldBundles(dirname(cached), cached);
  return cached;
}

export interface ExampleCopy {
  /** The copy's root: the folder a team would open in the WeChat devtools. */
  dir: string;
  /** Routes of the copy's app.json, in order. */
  pages: string[];
  remove(): void;
}

export async function copyExample(): Promise<ExampleCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'miniauth-example-'));
  const skipped = [join(EXAMPLE_DIR, 'test'), join(EXAMPLE_DIR, 'testing'), join(EXAMPLE_DIR, SDK_PATH), join(EXAMPLE_DIR, 'node_modules')];
  cpSync(EXAMPLE_DIR, dir, {
    recursive: true,
    filter: (source) => !skipped.some((skip) => source === skip || source.startsWith(skip + sep)),
  });
  cpSync(await sdkBundle(), join(dir, SDK_PATH));
  // WeChat runs every file as CommonJS; this tells Node the same, wherever the temp folder is.
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  const appJson = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')) as { pages: string[] };
  return { dir, pages: appJson.pages, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
