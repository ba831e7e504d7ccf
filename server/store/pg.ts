// The production adapter: a node-postgres pool. A transaction holds one pooled client from
// BEGIN to COMMIT; a client whose ROLLBACK fails is destroyed rather than reused.

import pg from 'pg';
import {
  sqlStateOf,
  type Database,
  type OpenDatabaseOptions,
  type Queryable,
  type QueryOptions,
  type QueryResult,
} from './database.js';

function over(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      const result = await client.query(options?.name ? { name: options.name, text: sql, values } : { text: sql, values });
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
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
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(over(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
