// The mini program bundle (client/build.ts: xstate + SDK, ES2017, minified), gzipped, beside
// xstate's core alone: an esbuild bundle of `import { createActor, setup } from 'xstate'`,
// minified the same way esbuild minifies. The budget is for the whole: at most 20 KB.
// And each framework binding (miniauth/vue, /react, /uni, /taro) as an app's bundler takes it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BINDING_GZIP_BUDGET_BYTES, BINDINGS, buildBinding, buildMiniprogram, GZIP_BUDGET_BYTES } from '../client/build.js';

export interface BundleResult {
  /** xstate + SDK, gzipped (level 9), bytes. */
  bundleGzipBytes: number;
  bundleBytes: number;
  /** xstate's createActor + setup alone, gzipped, bytes. */
  xstateGzipBytes: number;
  budgetBytes: number;
  /** Each binding, minified and gzipped, its framework left out. */
  bindings: Array<{ entry: string; gzipBytes: number; bytes: number }>;
  bindingBudgetBytes: number;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function xstateCoreGzipBytes(): Promise<number> {
  const result = await build({
    stdin: { contents: "export { createActor, setup } from 'xstate';", resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['module'],
    target: 'es2017',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

export async function benchBundle(): Promise<BundleResult> {
  // Built into a scratch directory: the bench must not touch dist/ while someone builds.
  const scratch = mkdtempSync(join(tmpdir(), 'miniauth-bench-bundle-'));
  try {
    const report = await buildMiniprogram(join(scratch, 'miniauth.js'));
    return {
      bundleGzipBytes: report.gzipBytes,
      bundleBytes: report.bytes,
      xstateGzipBytes: await xstateCoreGzipBytes(),
      budgetBytes: GZIP_BUDGET_BYTES,
      bindings: await Promise.all((Object.keys(BINDINGS) as Array<keyof typeof BINDINGS>).map(async (entry) => {
        const binding = await buildBinding(entry);
        return { entry, gzipBytes: binding.gzipBytes, bytes: binding.bytes };
      })),
      bindingBudgetBytes: BINDING_GZIP_BUDGET_BYTES,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
