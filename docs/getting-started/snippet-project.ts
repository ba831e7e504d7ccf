// Builds the guide's files into one app bundle, as a uni-app or Taro build would: esbuild
// resolves the files from the guide, `miniauth/*` from this repository's sources, and leaves the
// framework's runtime packages to the test, which evaluates the bundle with the phone's globals.

import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Loader, Plugin } from 'esbuild';

/** The server the guide's files name; a test puts its own in its place. */
export const GUIDE_BASE_URL = 'https://api.example.com';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The package's subpath exports, pointing at the sources (package.json points at dist/). */
const MINIAUTH = {
  'miniauth/client': join(root, 'client', 'index.ts'),
  'miniauth/vue': join(root, 'client', 'bindings', 'vue.ts'),
  'miniauth/react': join(root, 'client', 'bindings', 'react.ts'),
  'miniauth/uni': join(root, 'client', 'platform', 'uni-platform.ts'),
  'miniauth/taro': join(root, 'client', 'platform', 'taro-platform.ts'),
};

export interface ProjectOptions {
  /** Path → source, e.g. from guideFiles(). */
  files: Map<string, string>;
  /** The entry module's source; it imports the files by their paths (`./src/main.js`). */
  entry: string;
  /** Packages the test supplies at run time (the framework, shared with the renderer). */
  external: string[];
  /** Package → file, as the framework's build aliases it. */
  alias?: Record<string, string>;
  /** Turns a file of the guide into JavaScript or TypeScript (e.g. a Vue single-file component). */
  compile?: (path: string, source: string) => { contents: string; loader: Loader } | undefined;
  /** Files the framework's template has and the guide leaves as they are. */
  templateFiles?: Record<string, string>;
}

const LOADERS: Record<string, Loader> = { '.js': 'js', '.ts': 'ts', '.tsx': 'tsx', '.scss': 'empty' };

function guidePlugin(options: ProjectOptions): Plugin {
  const known = (path: string) => options.files.has(path) || path in (options.templateFiles ?? {});
  return {
    name: 'getting-started-files',
    setup(builder) {
      builder.onResolve({ filter: /^miniauth\// }, ({ path }) => {
        const file = MINIAUTH[path as keyof typeof MINIAUTH];
        return file ? { path: file } : { errors: [{ text: `miniauth has no export ${path}` }] };
      });
      builder.onResolve({ filter: /^\./ }, ({ path, importer, namespace }) => {
        const base = namespace === 'guide' ? posix.dirname(importer) : '.';
        const joined = posix.normalize(posix.join(base, path));
        const candidates = [joined, ...['.ts', '.tsx', '.js'].map((ext) => joined + ext)];
        const found = candidates.find(known);
        return found ? { path: found, namespace: 'guide' } : undefined;
      });
      builder.onLoad({ filter: /.*/, namespace: 'guide' }, ({ path }) => {
        const source = options.files.get(path) ?? options.templateFiles?.[path] ?? '';
        const compiled = options.compile?.(path, source);
        if (compiled) return { ...compiled, resolveDir: root };
        return { contents: source, loader: LOADERS[posix.extname(path)] ?? 'js', resolveDir: root };
      });
    },
  };
}

/** An entry that exports `app` (the module the framework starts from) and every page, by path. */
export function appEntry(appModule: string, files: Map<string, string>): string {
  const pages = [...files.keys()].filter((path) => path.startsWith('src/pages/'));
  return [
    `export * as app from './${appModule}';`,
    `export const pages = { ${pages.map((path) => `'${path}': require('./${path}').default`).join(', ')} };`,
  ].join('\n');
}

/** The bundle, CommonJS: run it with `runProject`. */
export async function buildProject(options: ProjectOptions): Promise<string> {
  const result = await build({
    stdin: { contents: options.entry, loader: 'js', resolveDir: root, sourcefile: 'entry.js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2020',
    jsx: 'automatic',
    logLevel: 'error',
    external: options.external,
    ...(options.alias ? { alias: options.alias } : {}),
    plugins: [guidePlugin(options)],
  });
  return result.outputFiles[0]!.text;
}

/**
 * Runs the bundle as the mini program's app service would: `modules` answers its `require` of
 * the external packages, `globals` are the framework's globals (`uni`, `wx`).
 */
export function runProject(code: string, modules: Record<string, unknown>, globals: Record<string, unknown>): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const nodeRequire = createRequire(import.meta.url);
  const load = (name: string) => (name in modules ? modules[name] : nodeRequire(name));
  const names = Object.keys(globals);
  const run = new Function('module', 'exports', 'require', ...names, code);
  run(module, module.exports, load, ...names.map((name) => globals[name]));
  return module.exports;
}
