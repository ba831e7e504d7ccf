// The event store on both databases: plain streams, and a stream type of this file's own (a
// tally whose label is personal data) with its snapshot table, to see the store's mechanisms
// apart from any domain: the snapshot written with the events, deciding from it, sealing and
// destroying a stream's key, rebuilding, and async projections.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import { AppError } from '../errors.js';
import type { ColumnTable } from './columns.js';
import { ConcurrencyError } from './errors.js';
import { createEventStore, type EventStore } from './event-store.js';
import type { LogCheckpoint, RecordedEvent } from './events.js';
import { migrate } from './migrate.js';
import { catchUpProjection, rebuildAsyncProjection, type Projection } from './projections.js';
import type { LogRead } from './read.js';
import type { StreamType } from './stream-types.js';

const stream = (): string => `test-${randomUUID()}`;

interface Tally {
  id: string;
  count: number;
  label: string | null;
  closedAt: Date | null;
}

type TallyEvent =
  | { type: 'Counted'; data: { tally: string; by: number; label?: string } }
  | { type: 'Closed'; data: { at: string } };

const TALLY_COLUMNS: ColumnTable<Tally> = {
  id: { name: 'id', type: 'text' },
  count: { name: 'count', type: 'integer' },
  label: { name: 'label', type: 'text' },
  closedAt: { name: 'closed_at', type: 'timestamptz' },
};

function evolveTally(state: Tally | null, event: TallyEvent): Tally | null {
  switch (event.type) {
    case 'Counted': {
      const current = state ?? { id: event.data.tally, count: 0, label: null, closedAt: null };
      return { ...current, count: current.count + event.data.by, label: event.data.label ?? current.label };
    }
    case 'Closed':
      return state && { ...state, label: null, closedAt: new Date(event.data.at) };
  }
}

const tallyStream: StreamType<Tally, TallyEvent> = {
  prefix: 'tally-',
  evolve: evolveTally,
  snapshot: { table: 'tallies', columns: TALLY_COLUMNS, key: 'id' },
  personalFields: { Counted: ['label'] },
  destroysKey: ['Closed'],
};

const counted = (tally: string, by: number, label?: string): TallyEvent => ({
  type: 'Counted',
  data: { tally, by, ...(label === undefined ? {} : { label }) },
});

async function countEvents(db: TestDatabase, streamId: string): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId]);
  return Number(rows[0]?.n);
}

async function tallyRow(db: TestDatabase, id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.query('SELECT id, count, label, closed_at, stream_version FROM tallies WHERE id = $1', [id]);
  const row = rows[0];
  return row === undefined ? undefined : { ...row, stream_version: Number(row['stream_version']) };
}

/** A projection counting events per stream, into a table the test owns. */
function streamSizes(table: string): Projection {
  return {
    name: table,
    handles: ['Happened'],
    async apply(tx, events) {
      for (const event of events) {
        await tx.query(
          `INSERT INTO ${table} (stream_id, events) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET events = ${table}.events + 1`,
          [event.streamId],
        );
      }
    },
    async reset(tx) {
      await tx.query(`DELETE FROM ${table}`);
    },
  };
}

class TallyClosedError extends AppError<'TALLY_CLOSED'> {
  constructor() {
    super('TALLY_CLOSED', 'The tally is closed.');
  }
}

describe.each(databaseTargets())('event store on $name', (target) => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await target.open();
    await db.exec(`
      CREATE TABLE tallies (id text PRIMARY KEY, count integer NOT NULL, label text, closed_at timestamptz, stream_version bigint);
      CREATE TABLE async_sizes (stream_id text PRIMARY KEY, events integer NOT NULL);`);
    store = createEventStore(db, { streamTypes: [tallyStream] });
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
    // The database's clock, not ours: only ordered against it within a generous minute.
    expect(a.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(await store.readStream(stream())).toEqual({ version: 0, events: [] });
  });

  it('refuses a wrong expected version with ConcurrencyError and writes nothing, snapshot included', async () => {
    const id = randomUUID();
    await store.appendToStream(`tally-${id}`, 'no_stream', [counted(id, 1)]);
    const row = await tallyRow(db, id);
    for (const expected of ['no_stream', 0, 2, 7] as const) {
      const attempt = store.appendToStream(`tally-${id}`, expected, [counted(id, 100)]);
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(attempt).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', actualVersion: 1 });
    }
    expect(await countEvents(db, `tally-${id}`)).toBe(1);
    expect(await tallyRow(db, id)).toEqual(row);
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
  });

  it("writes a typed stream's snapshot row in the statement of its events, at their version", async () => {
    const id = randomUUID();
    const first = await store.appendToStream(`tally-${id}`, 'no_stream', [counted(id, 2), counted(id, 3)]);
    expect(await tallyRow(db, id)).toEqual({ id, count: 5, label: null, closed_at: null, stream_version: 2 });
    // An append made without the row (a tool, another version of the code) is folded in too.
    await store.appendToStream(`tally-${id}`, first.nextExpectedVersion, [counted(id, 10)]);
    expect(await tallyRow(db, id)).toMatchObject({ count: 15, stream_version: 3 });
  });

  it('decides from the snapshot, and on a conflict with another process reads and decides again', async () => {
    const id = randomUUID();
    const streamId = `tally-${id}`;
    const other = createEventStore(await db.connectAgain(), { streamTypes: [tallyStream] });
    const decisions: number[] = [];
    const add = (state: Tally | null): TallyEvent[] => {
      decisions.push(state?.count ?? 0);
      return [counted(id, 1)];
    };
    // Twenty increments from two "processes" at once: none may be lost to another's write.
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).handle<Tally, TallyEvent>(streamId, add)));
    expect(await tallyRow(db, id)).toMatchObject({ count: 20, stream_version: 20 });
    expect(decisions.length).toBeGreaterThanOrEqual(20);
    expect(decisions).toContain(19); // the last write decided from everything before it
  });

  it('throws what decide throws at once, and writes nothing for a decision of no events', async () => {
    const id = randomUUID();
    const streamId = `tally-${id}`;
    await store.handle<Tally, TallyEvent>(streamId, () => [counted(id, 1), { type: 'Closed', data: { at: '2025-01-01T00:00:00.000Z' } }]);
    let calls = 0;
    const refuse = (state: Tally | null): TallyEvent[] => {
      calls += 1;
      if (state?.closedAt) throw new TallyClosedError();
      return [counted(id, 1)];
    };
    await expect(store.handle(streamId, refuse)).rejects.toBeInstanceOf(TallyClosedError);
    expect(calls).toBe(1);
    const nothing = await store.handle<Tally, TallyEvent>(streamId, () => []);
    expect(nothing).toMatchObject({ events: [], version: 2 });
    expect(await countEvents(db, streamId)).toBe(2);
  });

  it('seals personal fields with the stream key, opens them on read, and reads them redacted once the key is destroyed', async () => {
    const id = randomUUID();
    const streamId = `tally-${id}`;
    await store.handle<Tally, TallyEvent>(streamId, () => [counted(id, 1, 'Ada')]);
    const stored = await db.query<{ data: Record<string, unknown> }>('SELECT data FROM events WHERE stream_id = $1', [streamId]);
    expect(JSON.stringify(stored.rows)).not.toContain('Ada');
    expect(stored.rows[0]?.data).toMatchObject({ tally: id, by: 1, sealed: { key: expect.any(String) } });
    expect((await store.readStream(streamId)).events[0]?.data).toEqual({ tally: id, by: 1, label: 'Ada' });
    expect(await tallyRow(db, id)).toMatchObject({ label: 'Ada' });

    await store.handle<Tally, TallyEvent>(streamId, () => [{ type: 'Closed', data: { at: '2025-02-01T00:00:00.000Z' } }]);
    const keys = await db.query('SELECT 1 FROM personal_data_keys WHERE subject = $1', [streamId]);
    expect(keys.rows).toEqual([]);
    expect((await store.readStream(streamId)).events[0]?.data).toEqual({ tally: id, by: 1, redacted: true });
    expect(await tallyRow(db, id)).toMatchObject({ count: 1, label: null });
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

  it('rebuilds snapshots and async projections from the log to what was built live', async () => {
    for (let i = 0; i < 5; i++) {
      await store.appendToStream(stream(), 'no_stream', [{ type: 'Happened', data: {} }]);
      const tally = randomUUID();
      await store.handle<Tally, TallyEvent>(`tally-${tally}`, () => [counted(tally, i, `label ${i}`), counted(tally, 1)]);
    }
    const asyncSizes = streamSizes('async_sizes');
    await eventually(async () => {
      await catchUpProjection(db, asyncSizes, { batchSize: 3 });
      const { rows } = await db.query<{ n: string | number }>("SELECT count(DISTINCT stream_id) AS n FROM events WHERE type = 'Happened'");
      expect((await db.query('SELECT * FROM async_sizes')).rows).toHaveLength(Number(rows[0]?.n));
    });
    expect(await catchUpProjection(db, asyncSizes)).toBe(0); // nothing twice
    const tallies = async () => (await db.query('SELECT * FROM tallies ORDER BY id')).rows;
    const sizes = async () => (await db.query('SELECT * FROM async_sizes ORDER BY stream_id')).rows;
    const liveTallies = await tallies();
    const liveSizes = await sizes();

    await db.query('UPDATE tallies SET count = count + 100, stream_version = stream_version - 1'); // drift the tables
    await db.query('UPDATE async_sizes SET events = 0');
    const folded = await store.rebuild(tallyStream, { batchSize: 2 });
    expect(folded).toBeGreaterThanOrEqual(10);
    await rebuildAsyncProjection(db, asyncSizes, { batchSize: 2 });
    expect(await tallies()).toEqual(liveTallies);
    await eventually(async () => {
      await catchUpProjection(db, asyncSizes);
      expect(await sizes()).toEqual(liveSizes);
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
