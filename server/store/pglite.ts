// The embedded adapter: PGlite, in memory or in a data directory. PGlite is ONE connection,
// so every query and transaction waits its turn in a queue; otherwise a query from another
// caller would run inside someone else's open transaction.

import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { Database, OpenDatabaseOptions, Queryable, QueryResult } from './database.js';
import { lockDirectory, type DirectoryLock } from './directory-lock.js';

/** Runs tasks one at a time, in arrival order. */
class Turns {
  #tail: Promise<unknown> = Promise.resolve();

  take<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.#tail.then(task);
    this.#tail = turn.catch(() => undefined);
    return turn;
  }
}

function over(db: PGlite): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await db.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
    async exec(script: string): Promise<void> {
      await db.exec(script);
    },
  };
}

const engines = new WeakMap<Database, PGlite>();

/** A gzipped dump of a PGlite database's data directory, loadable with `loadDataDir`. */
export async function dumpPglite(db: Database): Promise<Blob> {
  const pglite = engines.get(db);
  if (!pglite) throw new TypeError('Only a PGlite database can be dumped.');
  return pglite.dumpDataDir('gzip');
}

export async function openPglite(directory: string | undefined, options: OpenDatabaseOptions): Promise<Database> {
  const lock: DirectoryLock | undefined = directory === undefined ? undefined : lockDirectory(directory);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(directory === undefined ? {} : { dataDir: directory }),
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    });
    if (options.schema !== undefined) {
      await pglite.exec(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path TO "${options.schema}";`);
    }
  } catch (error) {
    lock?.release();
    throw error;
  }

  const direct = over(pglite);
  const turns = new Turns();
  // Marks the async context of a running transaction, to turn a self-deadlock into an error.
  const inTransaction = new AsyncLocalStorage<true>();
  const selfDeadlock = (what: string): Promise<never> | undefined =>
    inTransaction.getStore()
      ? Promise.reject(
          new Error(`PGlite: ${what} on the database inside its own transaction would wait forever; use the tx.`),
        )
      : undefined;
  let closed = false;

  const db: Database = {
    kind: 'pglite',
    schema: options.schema,
    query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return selfDeadlock('a query') ?? turns.take(() => direct.query<R>(sql, params));
    },
    exec(script: string): Promise<void> {
      return selfDeadlock('exec') ?? turns.take(() => direct.exec(script));
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const refused = selfDeadlock('a nested transaction');
      if (refused) return refused;
      return turns.take(() =>
        inTransaction.run(true, async () => {
          await pglite.exec('BEGIN');
          try {
            const result = await fn(direct);
            await pglite.exec('COMMIT');
            return result;
          } catch (error) {
            await pglite.exec('ROLLBACK');
            throw error;
          }
        }),
      );
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await turns.take(() => pglite.close());
      } finally {
        lock?.release();
      }
    },
  };
  engines.set(db, pglite);
  return db;
}
