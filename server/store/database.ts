// The one port the store speaks to: parameterised queries and transactions. Two adapters
// implement it over the same SQL (node-postgres for production and tests, PGlite embedded);
// ./open-database.ts picks one from DATABASE_URL.

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
  /** The connection pool's state, for metrics (pg; PGlite has one connection and no pool). */
  poolStats?(): PoolStats;
  close(): Promise<void>;
}

/**
 * The database as seen from inside one of its transactions: every query (and any nested
 * `transaction`) runs in `tx`, so code written against a Database can take part in it.
 */
export function withinTransaction(outer: Pick<Database, 'kind' | 'schema'>, tx: Queryable): Database {
  return {
    kind: outer.kind,
    schema: outer.schema,
    query: (sql, params, options) => tx.query(sql, params, options),
    exec: (script) => tx.exec(script),
    transaction: (fn) => fn(tx),
    close: async () => undefined,
  };
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
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
