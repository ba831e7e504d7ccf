// The one port the store speaks to: parameterised queries and transactions. Two adapters
// implement it over the same SQL (node-postgres for production and tests, PGlite embedded).

import { resolve } from 'node:path';
import { InvalidDatabaseConfigError, PgliteInProductionError } from './errors.js';

export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted, updated or deleted (0 for a SELECT on PGlite). */
  rowCount: number;
}

export interface QueryOptions {
  /**
   * pg: prepare the statement once per connection under this name and reuse its plan (for
   * hot statements; the same name must always carry the same SQL). PGlite ignores it.
   */
  name?: string;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /** The schema every query runs in (search_path), when one was asked for. */
  readonly schema: string | undefined;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Run in this schema (created when missing): lets tests share one database in parallel. */
  schema?: string;
  /** Defaults to process.env.NODE_ENV; 'production' refuses PGlite. */
  nodeEnv?: string | undefined;
  /** Connections in the pg pool (default 10). */
  poolSize?: number;
  /** PGlite only: start from this dumped data directory (tests load a migrated template). */
  loadDataDir?: Blob;
}

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

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (options.schema !== undefined) assertSchemaName(options.schema);
  if (target.kind === 'pg') {
    const { openPg } = await import('./pg.js');
    return openPg(target.url, options);
  }
  const nodeEnv = 'nodeEnv' in options ? options.nodeEnv : process.env['NODE_ENV'];
  if (nodeEnv === 'production') throw new PgliteInProductionError();
  const { openPglite } = await import('./pglite.js');
  return openPglite(target.directory, options);
}
