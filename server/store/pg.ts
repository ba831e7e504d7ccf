// The production adapter: a node-postgres pool. A transaction holds one pooled client from
// BEGIN to COMMIT; a client whose ROLLBACK fails is destroyed rather than reused.

import pg from 'pg';
import type { Database, OpenDatabaseOptions, Queryable, QueryOptions, QueryResult } from './database.js';
import { sqlStateOf } from './errors.js';

// node-postgres reports a connection that broke under a query without a SQLSTATE (a reset
// socket, "Connection terminated unexpectedly"): that is the database being unavailable, as
// 08006 (connection_failure) says to every caller, not a bug to answer with a 500.
const LOST_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST_MESSAGE = /connection terminated|not queryable|timeout exceeded when trying to connect/i;

class ConnectionLostError extends Error {
  readonly code = '08006';
  constructor(cause: Error) {
    super(`the database connection was lost: ${cause.message}`, { cause });
    this.name = 'ConnectionLostError';
  }
}

function connectionLost(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as { code?: unknown };
  // Our own errors (a ConcurrencyError thrown inside a transaction) carry a numeric code: left alone.
  const lost = typeof code === 'string' ? LOST_SOCKET.has(code) : code === undefined && LOST_MESSAGE.test(error.message);
  return lost ? new ConnectionLostError(error) : error;
}

function over(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      try {
        const result = await client.query(options?.name ? { name: options.name, text: sql, values } : { text: sql, values });
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw connectionLost(error);
      }
    },
    async exec(script: string): Promise<void> {
      try {
        await client.query(script);
      } catch (error) {
        throw connectionLost(error);
      }
    },
  };
}

async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two pools opening the same new schema at once: the loser sees a duplicate; it exists.
    const { code } = sqlStateOf(error);
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

export async function openPg(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const schema = options.schema;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The pool drops the client and opens a new one when needed.
  pool.on('error', () => {});
  try {
    if (schema === undefined) await pool.query('SELECT 1');
    else await ensureSchema(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const direct = over(pool);
  let closed = false;
  return {
    kind: 'pg',
    schema,
    query: direct.query,
    exec: direct.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw connectionLost(error);
      });
      let broken: Error | undefined;
      // A checked-out client is not watched by the pool: a server that ends the connection
      // between two queries (a restart, a failover) would otherwise crash the process with an
      // unhandled 'error' event. The connection's error is the one to report (it has a SQLSTATE).
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost ??= error;
      };
      client.on('error', onLost);
      try {
        await client.query('BEGIN');
        const result = await fn(over(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw connectionLost(lost ?? error);
      } finally {
        client.off('error', onLost);
        client.release(broken ?? lost);
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
