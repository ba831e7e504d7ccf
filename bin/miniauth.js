#!/usr/bin/env node
// The `miniauth` command. In a checkout (the TypeScript source is there) it runs the source
// through tsx, so a stale build never stands in for it; in an installed package, the build.
// The server's packages are optional peer dependencies (a client-only install pulls nothing
// but xstate): when one is missing, say which to install instead of a stack trace.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}dev/cli.ts`;
/** Peers only some setups need: a database driver, the docs page, metrics, the client's frameworks. */
const EXTRAS = new Set(['@electric-sql/pglite', 'pg', '@fastify/swagger-ui', 'prom-client', 'miniprogram-api-typings', 'react', 'vue']);

function missingPackage(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec(String(error.message))?.[1];
}

if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  try {
    await import(pathToFileURL(`${root}dist/dev/cli.js`).href);
  } catch (error) {
    const missing = missingPackage(error);
    if (missing === undefined) throw error;
    const { peerDependencies } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    const server = Object.keys(peerDependencies).filter((name) => !EXTRAS.has(name));
    console.error(`miniauth: the server needs packages that are not installed (${missing} is missing). Install them with:\n` +
      `  npm install ${server.join(' ')}\n` +
      'and a database driver: pg for PostgreSQL, @electric-sql/pglite for the embedded database.');
    process.exitCode = 1;
  }
}
