// Builds the file a mini program can `require` directly: dist/miniprogram/miniauth.js,
// xstate included, ES2017, CommonJS, minified. Run: `npx tsx client/build.ts`.
// esbuild bundles, lowers to ES2017 and rewrites syntax; terser minifies (smaller gzipped than
// esbuild's minifier alone, part of what keeps xstate + SDK within the 20 KB budget).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { minify } from 'terser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MINIPROGRAM_BUNDLE = join(root, 'dist', 'miniprogram', 'miniauth.js');
/**
 * The budget for xstate + SDK, gzipped: 20 KB (issue 5), WeChat's privacy gate included (its
 * states, the listener's owner and the privacy port, issue 17).
 */
export const GZIP_BUDGET_BYTES = 20 * 1024;

// The chart's descriptions are for the inspector and the docs' diagrams; the phone does not
// need them. Each sits on its own line, or ends (or is) a one-line transition in login-machine.ts.
const ownLine = /^\s*description: '(?:[^'\\]|\\.)*',\n/gm;
const closing = /, description: '(?:[^'\\]|\\.)*' \}/g;
const alone = /\{ description: '(?:[^'\\]|\\.)*' \}/g;

const withoutDescriptions: Plugin = {
  name: 'miniauth-strip-descriptions',
  setup(builder) {
    builder.onLoad({ filter: /machines[\\/]login-machine\.ts$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8').replace(ownLine, '').replace(closing, ' }').replace(alone, '{}');
      if (source.includes('description:')) throw new Error(`${path}: a description in a shape the build cannot strip`);
      return { contents: source, loader: 'ts' };
    });
  },
};

// xstate's error texts explain mistakes in a machine's definition ("Invalid target…", "Guard …
// is not implemented"). Ours is fixed and tested in Node, where xstate keeps them; on the phone
// each costs bytes, so the bundle throws the same errors, each with the text "xstate error". A
// text may follow a comment line, and a template may hold templates in its `${}`.
const template = /`(?:[^`$\\]|\\.|\$(?!\{)|\$\{(?:[^{}`]|`[^`]*`)*\})*`/.source;
const errorText = new RegExp(`new Error\\(\\s*(?://[^\\n]*\\n\\s*)?(?:${template}|'[^'\\n]*'|"[^"\\n]*")\\)`, 'g');
const SHORT_ERROR = 'new Error("xstate error")';

// xstate registers an actor with the Redux-style dev tools on `window` when it is created with
// `devTools: true`. The SDK never asks for that, and a mini program has no `window`.
const devToolsAdapter = /^const devToolsAdapter = service => \{\n[\s\S]*?\n\};$/m;

const withTrimmedXstate: Plugin = {
  name: 'miniauth-trim-xstate',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]xstate[\\/]dist[\\/][^\\/]+\.esm\.js$/ }, ({ path }) => {
      let source = readFileSync(path, 'utf8').replace(errorText, SHORT_ERROR);
      if (/xstate-dev\.esm\.js$/.test(path)) {
        if (!devToolsAdapter.test(source)) throw new Error(`${path}: xstate's devToolsAdapter in a shape the build cannot replace`);
        source = source.replace(devToolsAdapter, 'const devToolsAdapter = () => {};');
      }
      return { contents: source, loader: 'js' };
    });
  },
};

// esbuild's CommonJS output defines each export as a getter on `module.exports`, with helpers
// to do so. The bundle is built as ESM instead, and its one closing `export { … }` becomes a
// plain object: the same names and values, `__esModule` as before, strict mode said outright.
const exportClause = /\nexport \{([^}]*)\};\n$/;

function asCommonJs(code: string): string {
  const clause = exportClause.exec(code);
  if (!clause) throw new Error('miniprogram bundle: no closing export clause to turn into module.exports');
  const names = clause[1]!.split(',').map((spec) => spec.trim()).filter(Boolean).map((spec) => {
    const [local, exported] = spec.split(/\s+as\s+/);
    return exported ? `${exported}: ${local}` : local;
  });
  return `"use strict";\n${code.slice(0, clause.index)}\n`
    + `module.exports = Object.defineProperty({ ${names.join(', ')} }, "__esModule", { value: true });\n`;
}

export interface BundleReport {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The source files bundled, relative to the repository (node_modules/… for packages). */
  inputs: string[];
}

export async function buildMiniprogram(outfile = MINIPROGRAM_BUNDLE): Promise<BundleReport> {
  mkdirSync(dirname(outfile), { recursive: true });
  const bundled = await build({
    entryPoints: [join(root, 'client', 'miniprogram.ts')],
    absWorkingDir: root,
    outfile,
    write: false,
    bundle: true,
    format: 'esm', // then CommonJS, by asCommonJs
    platform: 'neutral',
    // xstate's ESM build (tree-shakable, no development warnings).
    mainFields: ['module', 'main'],
    conditions: ['module'],
    target: 'es2017',
    legalComments: 'none',
    // esbuild's syntax rewrites first, then terser's: smaller gzipped than either alone.
    minifySyntax: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    metafile: true,
    plugins: [withoutDescriptions, withTrimmedXstate],
  });
  const minified = await minify(asCommonJs(bundled.outputFiles[0]!.text), {
    ecma: 2017,
    toplevel: true,
    // pure_getters: reading a property has no side effect (xstate's getters only compute and
    // cache; the SDK's only read), so a destructured field nobody uses is not read. inline: 1
    // inlines only the simplest functions: inlining more made the bundle larger gzipped.
    compress: { passes: 3, ecma: 2017, pure_getters: true, inline: 1 },
    mangle: { toplevel: true },
    format: { ecma: 2017, comments: false },
  });
  writeFileSync(outfile, minified.code!);
  const code = readFileSync(outfile);
  const inputs = Object.keys(bundled.metafile.inputs);
  return { file: outfile, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, inputs };
}

/** The framework bindings, each its own entry point of the npm package. */
export const BINDINGS = {
  'miniauth/vue': 'client/bindings/vue.ts',
  'miniauth/react': 'client/bindings/react.ts',
  'miniauth/uni': 'client/platform/uni-platform.ts',
  'miniauth/taro': 'client/platform/taro-platform.ts',
} as const;

/** Each binding's budget, gzipped: what it adds to an app beside the SDK's core. */
export const BINDING_GZIP_BUDGET_BYTES = 2 * 1024;

/**
 * One binding as an app's bundler takes it: ESM, minified, the frameworks and xstate left to
 * the app (peer dependencies), the SDK modules it imports counted in.
 */
export async function buildBinding(entry: keyof typeof BINDINGS): Promise<BundleReport> {
  const bundled = await build({
    entryPoints: [join(root, BINDINGS[entry])],
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2017',
    minify: true,
    legalComments: 'none',
    external: ['vue', 'react', 'xstate'],
    metafile: true,
    logLevel: 'warning',
  });
  const code = bundled.outputFiles[0]!.contents;
  const inputs = Object.keys(bundled.metafile.inputs);
  return { file: BINDINGS[entry], bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, inputs };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await buildMiniprogram();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`${report.file}: ${kb(report.bytes)}, ${kb(report.gzipBytes)} gzipped (budget ${kb(GZIP_BUDGET_BYTES)})`);
  if (report.gzipBytes > GZIP_BUDGET_BYTES) {
    console.error('miniprogram bundle is over its gzip budget');
    process.exitCode = 1;
  }
}
