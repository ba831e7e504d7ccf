import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../test/support/databases.js';
import { eventually } from '../../test/support/eventually.js';
import { ConcurrencyError } from './errors.js';
import { createEventStore, type EventStore } from './eventStore.js';
import type { LogCheckpoint, RecordedEvent } from './events.js';
import type { LogRead } from './read.js';
import { migrate } from './migrate.js';
import { catchUpProjection, rebuildAsyncProjection, rebuildInlineProjection, type Projection } from './projections.js';

const stream = (): string => `test-${randomUUID()}`;

async function countEvents(db: TestDatabase, streamId: string): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [
    streamId,
  ]);
  return Number(rows[0]?.n);
}

/** A projection counting events per stream, into a table the test owns. */
function streamSizes(table: string): Projection {
  return {
    name: table,
    handles: ['Happened'],
    tables: [table],
    async apply(tx, events) {
      for (const event of events) {
        await tx.query(
          `INSERT INTO ${table} (stream_id, events) VALUES ($1, 1)
           ON CONFLICT (stream_id) DO UPDATE SET events = ${table}.events + 1`,
          [event.streamId],
        );
      }
    },
    async reset(tx) {
      await tx.query(`DELETE FROM ${table}`);
    },
  };
}

async function tableRows(db: TestDatabase, table: string): Promise<unknown[]> {
  return (await db.query(`SELECT * FROM ${table} ORDER BY stream_id`)).rows;
}

describe.each(databaseTargets())('event store on $name', (target) => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await target.open();
    await db.exec(`
      CREATE TABLE inline_sizes (stream_id text PRIMARY KEY, events integer NOT NULL);
      CREATE TABLE async_sizes (stream_id text PRIMARY KEY, events integer NOT NULL);`);
    store = createEventStore(db, { inlineProjections: [streamSizes('inline_sizes')] });
  });
  afterAll(() => db?.close());

  it('appends events with positions, transaction id and time, and reads them back in order', async () => {
    const id = stream();
    const before = Date.now();
    const first = await store.appendToStream(id, 'no_stream', [
      { type: 'Happened', data: { n: 1 } },
      { type: 'Happened', data: { n: 2 }, metadata: { requestId: 'r1' } },
    ]);
    expect(first.nextExpectedVersion).toBe(2);
    const second = await store.appendToStream(id, 2, [{ type: 'Happened', data: { n: 3 } }]);
    expect(second.nextExpectedVersion).toBe(3);

    const read = await store.readStream(id);
    expect(read.version).toBe(3);
    expect(read.events.map((e) => [e.streamPosition, e.type, e.data])).toEqual([
      [1, 'Happened', { n: 1 }],
      [2, 'Happened', { n: 2 }],
      [3, 'Happened', { n: 3 }],
    ]);
    expect(read.events[1]?.metadata).toEqual({ requestId: 'r1' });
    const [a, b, c] = read.events as [RecordedEvent, RecordedEvent, RecordedEvent];
    expect(a.globalPosition).toBeLessThan(b.globalPosition);
    expect(b.globalPosition).toBeLessThan(c.globalPosition);
    expect(a.transactionId).toBe(b.transactionId); // one append, one transaction
    expect(BigInt(c.transactionId)).toBeGreaterThan(BigInt(a.transactionId));
    expect(a.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(await store.readStream(stream())).toEqual({ version: 0, events: [] });
  });

  it('refuses a wrong expected version with ConcurrencyError and writes nothing', async () => {
    const id = stream();
    await store.appendToStream(id, 'no_stream', [{ type: 'Happened', data: {} }]);
    for (const expected of ['no_stream', 0, 2, 7] as const) {
      const attempt = store.appendToStream(id, expected, [{ type: 'Happened', data: { bad: true } }]);
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(attempt).rejects.toMatchObject({ error: 'CONCURRENCY_CONFLICT', code: 0, actualVersion: 1 });
    }
    expect(await countEvents(db, id)).toBe(1);
    expect(await tableRows(db, 'inline_sizes')).toContainEqual({ stream_id: id, events: 1 });
  });

  it("appends at any version with 'any'", async () => {
    const id = stream();
    await store.appendToStream(id, 'any', [{ type: 'Happened', data: {} }]);
    const result = await store.appendToStream(id, 'any', [{ type: 'Happened', data: {} }]);
    expect(result.nextExpectedVersion).toBe(2);
  });

  it('stores an event appended twice with the same id once, without an error', async () => {
    const id = stream();
    const eventId = randomUUID();
    const first = await store.appendToStream(id, 'no_stream', [{ id: eventId, type: 'Happened', data: { n: 1 } }]);
    expect(first.events).toHaveLength(1);
    // A retried request re-sends the same event, even with its now stale expected version.
    const again = await store.appendToStream(id, 'no_stream', [{ id: eventId, type: 'Happened', data: { n: 1 } }]);
    expect(again).toEqual({ nextExpectedVersion: 1, events: [] });
    const twiceInOneCall = randomUUID();
    await store.appendToStream(id, 1, [
      { id: twiceInOneCall, type: 'Happened', data: {} },
      { id: twiceInOneCall, type: 'Happened', data: {} },
    ]);
    expect(await countEvents(db, id)).toBe(2);
    // At the right version, a batch mixing a stored event and a new one stores the new one.
    const newOne = randomUUID();
    const mixed = await store.appendToStream(id, 2, [
      { id: eventId, type: 'Happened', data: { n: 1 } },
      { id: newOne, type: 'Happened', data: { n: 3 } },
    ]);
    expect(mixed.events.map((e) => [e.id, e.streamPosition])).toEqual([[newOne, 3]]);
    expect(await countEvents(db, id)).toBe(3);
    expect(await tableRows(db, 'inline_sizes')).toContainEqual({ stream_id: id, events: 3 });
  });

  it('runs inline projections in the append transaction: a failing projection writes nothing', async () => {
    const failing: Projection = {
      name: 'failing',
      handles: ['Happened'],
      tables: [],
      apply: async () => {
        throw new Error('projection broke');
      },
      reset: async () => {},
    };
    const fragile = createEventStore(db, { inlineProjections: [streamSizes('inline_sizes'), failing] });
    const id = stream();
    await expect(fragile.appendToStream(id, 'no_stream', [{ type: 'Happened', data: {} }])).rejects.toThrow(
      'projection broke',
    );
    expect(await countEvents(db, id)).toBe(0);
    expect(await tableRows(db, 'inline_sizes')).not.toContainEqual(expect.objectContaining({ stream_id: id }));
  });

  it('reads the whole log from a checkpoint in pages, each event once', async () => {
    const ids = [stream(), stream(), stream()];
    for (const id of ids) {
      await store.appendToStream(id, 'no_stream', [
        { type: 'Happened', data: {} },
        { type: 'Other', data: {} },
      ]);
    }
    const all = await db.query<{ event_id: string }>('SELECT event_id FROM events ORDER BY global_position');
    const seen: string[] = [];
    let after: LogCheckpoint | null = null;
    await eventually(async () => {
      for (;;) {
        const read: LogRead = await store.readAll({ after, limit: 4 });
        seen.push(...read.events.map((e) => e.id));
        after = read.checkpoint;
        if (read.events.length < 4) break;
      }
      expect(seen).toEqual(all.rows.map((r) => r.event_id));
    });
    const onlyOther = await store.readAll({ types: ['Other'], limit: 10_000 });
    expect(onlyOther.events.every((e) => e.type === 'Other')).toBe(true);
    expect(onlyOther.events.length).toBeGreaterThanOrEqual(3);
  });

  it('rebuilds projections from the log to what was built live', async () => {
    for (let i = 0; i < 5; i++) {
      await store.appendToStream(stream(), 'no_stream', [{ type: 'Happened', data: {} }]);
    }
    const asyncSizes = streamSizes('async_sizes');
    const inlineRows = await tableRows(db, 'inline_sizes');
    await eventually(async () => {
      await catchUpProjection(db, asyncSizes, { batchSize: 3 });
      expect(await tableRows(db, 'async_sizes')).toEqual(inlineRows);
    });
    expect(await catchUpProjection(db, asyncSizes)).toBe(0); // nothing twice
    const liveAsync = await tableRows(db, 'async_sizes');

    const liveInline = await tableRows(db, 'inline_sizes');
    await db.query('UPDATE inline_sizes SET events = events + 100'); // drift the tables
    await db.query('UPDATE async_sizes SET events = 0');
    await rebuildInlineProjection(db, streamSizes('inline_sizes'), { batchSize: 2 });
    await rebuildAsyncProjection(db, asyncSizes, { batchSize: 2 });
    expect(await tableRows(db, 'inline_sizes')).toEqual(liveInline);
    await eventually(async () => {
      await catchUpProjection(db, asyncSizes);
      expect(await tableRows(db, 'async_sizes')).toEqual(liveAsync);
    });
  });

  it('treats running the migrations again as a no-op', async () => {
    const before = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(before.rows.length).toBeGreaterThanOrEqual(2);
    expect(await migrate(db)).toEqual([]);
    const after = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(after.rows).toEqual(before.rows);
  });
});

describe('migrations on pg', () => {
  it('apply once when two processes migrate a fresh schema at the same time', async () => {
    const [target] = databaseTargets();
    const db = await target!.open({ migrate: false });
    try {
      const other = await db.connectAgain();
      const [mine, theirs] = await Promise.all([migrate(db), migrate(other)]);
      expect([...mine, ...theirs].sort()).toEqual(mine.length ? mine : theirs);
      expect(mine.length === 0 || theirs.length === 0).toBe(true);
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
      expect(Number(rows[0]?.n)).toBe(Math.max(mine.length, theirs.length));
    } finally {
      await db.close();
    }
  });
});
