// Opening the database DATABASE_URL names: a PostgreSQL pool, or PGlite (in memory or in a
// directory), each adapter loaded only when it is the one asked for: its driver is an optional
// peer dependency, and a missing one is a DatabaseDriverMissingError that says what to install.

import { resolve } from 'node:path';
import { isMissingPackage } from '../errors.js';
import type { Database, OpenDatabaseOptions } from './database.js';
import { DATABASE_DRIVERS, DatabaseDriverMissingError, InvalidDatabaseConfigError, PgliteInProductionError } from './errors.js';

export type DatabaseTarget =
  | { kind: 'pg'; url: string }
  | { kind: 'pglite'; directory: string | undefined };

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** What DATABASE_URL means: a postgres URL, `memory`, or a PGlite data directory. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new InvalidDatabaseConfigError('DATABASE_URL is empty.');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { kind: 'pg', url: trimmed };
  if (trimmed === 'memory' || trimmed === 'memory://') return { kind: 'pglite', directory: undefined };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && !trimmed.startsWith('file://')) {
    throw new InvalidDatabaseConfigError(
      `DATABASE_URL ${trimmed.split('://')[0]}:// is not supported: use postgres://…, memory, or a directory.`,
    );
  }
  return { kind: 'pglite', directory: resolve(trimmed.replace(/^file:\/\//, '')) };
}

export function assertSchemaName(schema: string): void {
  if (!schemaName.test(schema)) {
    throw new InvalidDatabaseConfigError(
      `Schema name "${schema}" is not allowed: use lower-case letters, digits and _ (at most 63).`,
    );
  }
}

async function importAdapter<Module>(kind: keyof typeof DATABASE_DRIVERS, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, DATABASE_DRIVERS[kind])) throw new DatabaseDriverMissingError(kind, error);
    throw error;
  }
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (options.schema !== undefined) assertSchemaName(options.schema);
  if (target.kind === 'pg') {
    const { openPg } = await importAdapter('pg', () => import('./pg.js'));
    return openPg(target.url, options);
  }
  const nodeEnv = 'nodeEnv' in options ? options.nodeEnv : process.env['NODE_ENV'];
  if (nodeEnv === 'production') throw new PgliteInProductionError();
  const { openPglite } = await importAdapter('pglite', () => import('./pglite.js'));
  return openPglite(target.directory, options);
}
