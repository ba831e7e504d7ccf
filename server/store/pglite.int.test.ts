import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryPglite, pgliteTemplate, type TestDatabase } from '../../testing/databases.js';
import { openDatabase } from './open-database.js';
import { LOCK_FILE } from './directory-lock.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('PGlite, one connection shared by concurrent callers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openMemoryPglite();
    await db.exec('CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0);');
  });
  afterAll(() => db?.close());

  it('runs transactions one after another, never interleaved', async () => {
    await Promise.all(
      Array.from({ length: 30 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter');
          await sleep(1); // another caller's query would slip in here without the queue
          await tx.query('UPDATE counter SET n = $1', [Number(rows[0]?.n) + 1]);
        }),
      ),
    );
    const { rows } = await db.query<{ n: number }>('SELECT n FROM counter');
    expect(rows[0]?.n).toBe(30);
  });

  it('rolls back a transaction that throws, and keeps serving', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE counter SET n = -1');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await db.query<{ n: number }>('SELECT n FROM counter')).rows[0]?.n).toBe(30);
  });

  it('turns a query on the database inside its own transaction into an error, not a hang', async () => {
    await expect(db.transaction(() => db.query('SELECT 1'))).rejects.toThrow(/inside its own transaction/);
  });
});

describe('a PGlite data directory', () => {
  const parent = mkdtempSync(join(tmpdir(), 'miniauth-pglite-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('is held while open: a second open is refused; closing frees it and keeps the data', async () => {
    const dir = join(parent, 'data');
    // Starting from a dump spares the directory's initdb (seconds of WebAssembly).
    const db = await openDatabase(dir, { nodeEnv: 'development', loadDataDir: await pgliteTemplate() });
    try {
      await db.exec('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$);');
      await expect(openDatabase(dir, { nodeEnv: 'development' })).rejects.toMatchObject({
        code: 'DATABASE_LOCKED',
        message: expect.stringContaining(`in use by process ${process.pid}`),
      });
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await openDatabase(dir, { nodeEnv: 'development' });
    try {
      expect((await again.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
    } finally {
      await again.close();
    }
  });
});
