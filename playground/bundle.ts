// The page's script: the real login machine, the client SDK and the simulator's `wx` runtime,
// bundled for the browser with esbuild when the page is first asked for (never committed).
// The runtime is browser-safe except for one call: the avatar button's temporary file name
// uses node:crypto's randomBytes, which ./browser/node-crypto.ts provides over Web Crypto.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Thrown when the page cannot be built here (esbuild is a development dependency). */
export class PlaygroundUnavailableError extends Error {
  constructor(reason: string) {
    super(`The playground cannot be built here: ${reason}. Run it from a source checkout with \`npm start\`.`);
    this.name = 'PlaygroundUnavailableError';
  }
}

function sourceOf(name: string): string {
  const path = join(here, 'browser', name);
  if (!existsSync(path)) throw new PlaygroundUnavailableError(`${path} is missing`);
  return path;
}

export async function buildPlaygroundScript(): Promise<string> {
  const entry = sourceOf('main.ts');
  const cryptoShim = sourceOf('node-crypto.ts');
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new PlaygroundUnavailableError('esbuild is not installed');
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [
      {
        name: 'playground-node-crypto',
        setup(build) {
          build.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: cryptoShim }));
        },
      },
    ],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no playground script');
  return output.text;
}
