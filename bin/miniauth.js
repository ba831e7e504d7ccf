#!/usr/bin/env node
// The `miniauth` command. In a checkout (the TypeScript source is there) it runs the source
// through tsx, so a stale build never stands in for it; in an installed package, the build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}dev/cli.ts`;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(`${root}dist/dev/cli.js`).href);
}
