// Databases for integration tests: a throwaway schema of the real PostgreSQL `test` database
// (dropped on close) or a fresh in-memory PGlite, both migrated. Run a contract suite on both:
//
//   describe.each(databaseTargets())('users on $name', (target) => {
//     let db: TestDatabase;
//     beforeAll(async () => { db = await target.open(); });
//     afterAll(() => db.close());
//   });

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Database } from '../server/store/database.js';
import { openDatabase } from '../server/store/open-database.js';
import { loadMigrations, migrate } from '../server/store/migrate.js';
import { dumpPglite } from '../server/store/pglite.js';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends Database {
  /**
   * Another set of connections to the same data, as a second server process would have:
   * a second pool on the same schema (pg), or the one PGlite itself (one process only).
   * Closed with this database.
   */
  connectAgain(): Promise<Database>;
}

export interface DatabaseTarget {
  name: 'pg' | 'pglite';
  /** A fresh migrated database; pg can skip the migrations (`migrate: false`). */
  open(options?: { migrate?: boolean; poolSize?: number }): Promise<TestDatabase>;
}

const SCHEMA_PREFIX = 'miniauth_t_';
let schemaCounter = 0;
let sweptStaleSchemas = false;

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Schemas left by test processes that died before their afterAll (the pid is in the name). */
async function dropStaleSchemas(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE '${SCHEMA_PREFIX}%'`,
  );
  for (const { nspname } of rows) {
    const pid = Number(nspname.slice(SCHEMA_PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  }
}

export async function openThrowawayPg(options: { migrate?: boolean; poolSize?: number } = {}): Promise<TestDatabase> {
  const schema = `${SCHEMA_PREFIX}${process.pid}_${++schemaCounter}_${randomBytes(3).toString('hex')}`;
  await withAdmin(async (client) => {
    if (!sweptStaleSchemas) {
      sweptStaleSchemas = true;
      await dropStaleSchemas(client);
    }
    await client.query(`CREATE SCHEMA "${schema}"`);
  });
  const poolSize = options.poolSize ?? 5;
  const main = await openDatabase(TEST_DATABASE_URL, { schema, poolSize });
  const others: Database[] = [];
  if (options.migrate !== false) await migrate(main);
  let closed = false;
  return {
    ...main,
    kind: main.kind,
    schema: main.schema,
    async connectAgain() {
      const other = await openDatabase(TEST_DATABASE_URL, { schema, poolSize });
      others.push(other);
      return other;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(others.map((other) => other.close()));
      await main.close();
      await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

function pgliteVersion(): string {
  // The package does not export its package.json: find it above its entry point.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    } catch {
      // No package.json at this level.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

// A fresh PGlite runs initdb in WebAssembly (about 4 s); loading a dump of an already migrated
// one takes about 1 s. The dump is kept in the temp directory, keyed by the PGlite version and
// the migrations, so a changed migration makes a new template.
function templatePath(): string {
  const hash = createHash('sha256').update(pgliteVersion());
  for (const migration of loadMigrations()) hash.update(`\0${migration.name}\0${migration.sql}`);
  return join(tmpdir(), `miniauth-pglite-template-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** A gzipped data directory of a migrated PGlite, for `loadDataDir` (memory or a directory). */
export async function pgliteTemplate(): Promise<Blob> {
  const path = templatePath();
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    // Not built yet (or unreadable): build it below.
  }
  const db = await openDatabase('memory', { nodeEnv: 'test' });
  try {
    await migrate(db);
    const dump = Buffer.from(await (await dumpPglite(db)).arrayBuffer());
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, dump);
    renameSync(partial, path); // atomic: a parallel worker never reads half a file
    return new Blob([dump]);
  } finally {
    await db.close();
  }
}

/** A fresh, migrated in-memory PGlite. */
export async function openMemoryPglite(): Promise<TestDatabase> {
  const db = await openDatabase('memory', { nodeEnv: 'test', loadDataDir: await pgliteTemplate() });
  return {
    ...db,
    kind: db.kind,
    schema: db.schema,
    // One process, one connection: "another process" is the same database here.
    connectAgain: async () => ({ ...db, kind: db.kind, schema: db.schema, close: async () => {} }),
  };
}

export const pgTarget: DatabaseTarget = { name: 'pg', open: openThrowawayPg };
export const pgliteTarget: DatabaseTarget = { name: 'pglite', open: openMemoryPglite };

export function databaseTargets(): DatabaseTarget[] {
  return [pgTarget, pgliteTarget];
}
