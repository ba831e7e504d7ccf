// Build step: tsc compiles the TypeScript but leaves the numbered SQL migrations behind; the
// compiled store (dist/server/store/migrate.js) reads them from the folder beside it. The admin
// console's page (server/admin/page/: HTML, script, style) is copied beside its module the same way.
// Run: `tsx scripts/copy-migrations.ts` (npm run build does, after tsc).

import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const MIGRATIONS_SOURCE = join(root, 'server', 'store', 'migrations');
export const MIGRATIONS_TARGET = join(root, 'dist', 'server', 'store', 'migrations');

/** Replaces `to` with the .sql files of `from`; returns their names, sorted. */
export function copyMigrations(from: string = MIGRATIONS_SOURCE, to: string = MIGRATIONS_TARGET): string[] {
  const files = readdirSync(from).filter((file) => file.endsWith('.sql')).sort();
  if (files.length === 0) throw new Error(`No .sql migrations in ${from}`);
  // Emptied first: a migration removed from the source must not live on in the build.
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  return files;
}

export const CONSOLE_PAGE_SOURCE = join(root, 'server', 'admin', 'page');
export const CONSOLE_PAGE_TARGET = join(root, 'dist', 'server', 'admin', 'page');

/** Replaces `to` with the console page's files; returns their names, sorted. */
export function copyConsolePage(from: string = CONSOLE_PAGE_SOURCE, to: string = CONSOLE_PAGE_TARGET): string[] {
  const files = readdirSync(from).filter((file) => /\.(html|js|css)$/.test(file)).sort();
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = copyMigrations();
  console.log(`copied ${files.length} migrations to ${MIGRATIONS_TARGET}`);
  const page = copyConsolePage();
  console.log(`copied the admin console's ${page.length} files to ${CONSOLE_PAGE_TARGET}`);
}
