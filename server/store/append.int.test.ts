// The one append on both databases: the events and the parts written beside them in ONE
// statement commit together or not at all, idempotent by event id. The parts here write small
// tables of this file's own (in the throwaway schema), so what a part did or did not write is
// plain to see; the store's own parts (snapshot, keys) are tested in ./event-store.int.test.ts,
// the users domain's through the users (server/users/users.int.test.ts).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import { appendToStream, type AppendPart } from './append.js';
import type { Database, Queryable } from './database.js';
import { ConcurrencyError } from './errors.js';
import { createEventStore, type EventStore } from './event-store.js';
import type { NewEvent } from './events.js';

const stream = (): string => `parts-${randomUUID()}`;
const happened = (n: number): NewEvent => ({ type: 'Happened', data: { n } });

/** A gated part: writes (k, v) into `side` only if the append inserts its events. */
function sidePart(k: string, v: string | null): AppendPart {
  return {
    sql: (param, when) => `INSERT INTO side (k, v) SELECT ${param(k, 'text')}, ${param(v, 'text')} WHERE ${when} RETURNING k`,
  };
}

/** A required part: the events go in only if it inserts (k, v), as createKeyPart does. */
function requiredSidePart(k: string, v: string): AppendPart {
  return {
    requiredByAppend: true,
    sql: (param) =>
      `INSERT INTO side (k, v) VALUES (${param(k, 'text')}, ${param(v, 'text')}) ON CONFLICT (k) DO NOTHING RETURNING k`,
  };
}

/** A gated part of another shape and parameter type, so placed values of several types interleave. */
function countPart(k: string, n: number): AppendPart {
  return { sql: (param, when) => `INSERT INTO counts (k, n) SELECT ${param(k, 'text')}, ${param(n, 'integer')} WHERE ${when}` };
}

interface SideRow {
  k: string;
  v: string | null;
  tx: string;
}

async function sideRows(db: Database, prefix: string): Promise<SideRow[]> {
  const { rows } = await db.query<SideRow>(
    `SELECT k, v, tx::text AS tx FROM side WHERE starts_with(k, $1) ORDER BY k`,
    [prefix],
  );
  return rows;
}

async function countRows(db: Database, prefix: string): Promise<{ k: string; n: number }[]> {
  const { rows } = await db.query<{ k: string; n: number }>('SELECT k, n FROM counts WHERE starts_with(k, $1) ORDER BY k', [
    prefix,
  ]);
  return rows.map((row) => ({ k: row.k, n: Number(row.n) }));
}

async function eventCount(db: Database, streamId: string): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId]);
  return Number(rows[0]?.n);
}

/** The rejection of `promise`, or a failure when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the append to fail, but it succeeded');
}

// Polls until some backend is blocked by `pid` (the concurrent writer holding its position).
async function untilBlockedBy(db: Database, pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))',
      [pid],
    );
    if (Number(rows[0]?.n) > 0) return;
    if (Date.now() > deadline) throw new Error('the append never waited for the concurrent writer');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `ours` while another transaction holds what `theirs` wrote, uncommitted, until `ours`
 * is seen waiting on it; then lets that transaction commit, and answers what `ours` did.
 */
async function whileAnotherHolds<T>(db: Database, theirs: (tx: Queryable) => Promise<unknown>, ours: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let writerPid!: number;
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const other = db.transaction(async (tx) => {
    const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    writerPid = Number(rows[0]!.pid);
    await theirs(tx);
    wrote();
    await held;
  });
  await written;
  const result = ours();
  try {
    await untilBlockedBy(db, writerPid);
  } finally {
    release();
    await other;
  }
  return result;
}

/** The prepared statements of `n` pooled connections at once (pg), each held until all are. */
async function namedStatementsPerConnection(db: Database, n: number): Promise<string[][]> {
  let arrived = 0;
  let allThere!: () => void;
  const barrier = new Promise<void>((resolve) => (allThere = resolve));
  return Promise.all(
    Array.from({ length: n }, () =>
      db.transaction(async (tx) => {
        if (++arrived === n) allThere();
        await barrier;
        const { rows } = await tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
        return rows.map((row) => row.name);
      }),
    ),
  );
}

describe.each(databaseTargets())('the one append on $name', (target) => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await target.open();
    // tx: the transaction that wrote the row, to compare with the events' transactionId.
    await db.exec(`
      CREATE TABLE side (k text PRIMARY KEY, v text NOT NULL, tx xid8 NOT NULL DEFAULT pg_current_xact_id());
      CREATE TABLE counts (k text PRIMARY KEY, n integer NOT NULL);`);
    store = createEventStore(db);
  });
  afterAll(() => db?.close());

  it('commits the events and the gated parts together, in one transaction', async () => {
    const id = stream();
    const p = `${id}/`;
    const result = await appendToStream(db, id, 'no_stream', [happened(1), happened(2)], [sidePart(`${p}a`, 'A')]);
    expect(result.nextExpectedVersion).toBe(2);
    expect(result.events.map((e) => e.streamPosition)).toEqual([1, 2]);
    const rows = await sideRows(db, p);
    expect(rows).toEqual([{ k: `${p}a`, v: 'A', tx: result.events[0]!.transactionId }]);

    const next = await appendToStream(db, id, 2, [happened(3)], [sidePart(`${p}b`, 'B'), countPart(`${p}b`, 7)]);
    expect(next.nextExpectedVersion).toBe(3);
    expect((await sideRows(db, p)).map((r) => [r.k, r.tx])).toEqual([
      [`${p}a`, result.events[0]!.transactionId],
      [`${p}b`, next.events[0]!.transactionId],
    ]);
    expect(await countRows(db, p)).toEqual([{ k: `${p}b`, n: 7 }]);
    expect(await eventCount(db, id)).toBe(3);
  });

  it('refuses a wrong expected version with ConcurrencyError, and no gated part writes anything', async () => {
    const id = stream();
    const p = `${id}/`;
    await appendToStream(db, id, 'no_stream', [happened(1)], [sidePart(`${p}first`, 'kept')]);
    const before = await sideRows(db, p);
    for (const expected of ['no_stream', 0, 2, 9] as const) {
      const error = await rejectionOf(
        appendToStream(db, id, expected, [happened(99)], [sidePart(`${p}x${expected}`, 'no'), countPart(`${p}x`, 1)]),
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ streamId: id, expectedVersion: expected });
    }
    expect(await sideRows(db, p)).toEqual(before);
    expect(await countRows(db, p)).toEqual([]);
    expect(await eventCount(db, id)).toBe(1);
  });

  it('runs a required part first, even when the version is wrong (it is not gated)', async () => {
    const id = stream();
    const p = `${id}/`;
    await appendToStream(db, id, 'no_stream', [happened(1)], []);
    await expect(
      appendToStream(db, id, 'no_stream', [happened(2)], [requiredSidePart(`${p}key`, 'made'), sidePart(`${p}gated`, 'no')]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    // As a key created by a lost attempt: it stays, and the next attempt uses it.
    expect((await sideRows(db, p)).map((r) => [r.k, r.v])).toEqual([[`${p}key`, 'made']]);
    expect(await eventCount(db, id)).toBe(1);
  });

  it('appends nothing and writes no gated part when a required part returns no row', async () => {
    const id = stream();
    const p = `${id}/`;
    await db.query('INSERT INTO side (k, v) VALUES ($1, $2)', [`${p}key`, 'theirs']); // someone else's key
    const before = await sideRows(db, p);
    const error = await rejectionOf(
      appendToStream(db, id, 'no_stream', [happened(1)], [requiredSidePart(`${p}key`, 'ours'), sidePart(`${p}gated`, 'no')]),
    );
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(await eventCount(db, id)).toBe(0);
    expect(await sideRows(db, p)).toEqual(before);

    // One required part that returns a row does not carry another that returns none.
    await expect(
      appendToStream(db, id, 'no_stream', [happened(1)], [
        requiredSidePart(`${p}fresh`, 'ours'),
        requiredSidePart(`${p}key`, 'ours'),
        countPart(`${p}gated`, 1),
      ]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await eventCount(db, id)).toBe(0);
    expect(await countRows(db, p)).toEqual([]);
  });

  it('appends when a required part returns a row, and keeps what that part wrote', async () => {
    const id = stream();
    const p = `${id}/`;
    const result = await appendToStream(db, id, 'no_stream', [happened(1), happened(2)], [
      requiredSidePart(`${p}key`, 'ours'),
      sidePart(`${p}gated`, 'G'),
    ]);
    expect(result.events.map((e) => e.streamPosition)).toEqual([1, 2]);
    expect(await sideRows(db, p)).toEqual([
      { k: `${p}gated`, v: 'G', tx: result.events[0]!.transactionId },
      { k: `${p}key`, v: 'ours', tx: result.events[0]!.transactionId },
    ]);
    expect(await eventCount(db, id)).toBe(2);
  });

  it('surfaces a failing part with its SQLSTATE, and then nothing is written', async () => {
    const id = stream();
    const p = `${id}/`;
    await db.query('INSERT INTO side (k, v) VALUES ($1, $2)', [`${p}taken`, 'already']);
    const before = await sideRows(db, p);
    const failures: { parts: AppendPart[]; code: string; constraint?: string }[] = [
      // A gated part meeting a unique key: not the events' index, so not a concurrency conflict.
      { parts: [countPart(`${p}c`, 1), sidePart(`${p}taken`, 'again')], code: '23505', constraint: 'side_pkey' },
      // A NOT NULL column left empty, beside a required part that did insert.
      { parts: [requiredSidePart(`${p}req`, 'r'), sidePart(`${p}null`, null), countPart(`${p}c`, 2)], code: '23502' },
      // A required part that fails (a NULL count).
      {
        parts: [
          countPart(`${p}c`, 3),
          {
            requiredByAppend: true,
            sql: (param) => `INSERT INTO counts (k, n) VALUES (${param(`${p}r`, 'text')}, NULL) RETURNING k`,
          },
        ],
        code: '23502',
      },
      // A part whose expression fails while it runs.
      {
        parts: [
          sidePart(`${p}d`, 'd'),
          {
            sql: (param, when) =>
              `UPDATE side SET v = (1 / ${param(0, 'integer')})::text WHERE k = ${param(`${p}taken`, 'text')} AND ${when}`,
          },
        ],
        code: '22012',
      },
    ];
    for (const [i, { parts, code, constraint }] of failures.entries()) {
      const error = await rejectionOf(appendToStream(db, id, 'no_stream', [happened(1)], parts));
      expect(error, `failure ${i}`).not.toBeInstanceOf(ConcurrencyError);
      expect(error, `failure ${i}`).toMatchObject({ code, ...(constraint ? { constraint } : {}) });
    }
    expect(await eventCount(db, id)).toBe(0);
    expect(await sideRows(db, p)).toEqual(before);
    expect(await countRows(db, p)).toEqual([]);
  });

  it('leaves out an event id already stored: the same events again write nothing, no part either, and succeed', async () => {
    const id = stream();
    const p = `${id}/`;
    const eventId = randomUUID();
    await appendToStream(db, id, 'no_stream', [{ ...happened(1), id: eventId }], []);
    for (const expected of ['no_stream', 1] as const) {
      const again = await appendToStream(db, id, expected, [{ ...happened(1), id: eventId }], [sidePart(`${p}a`, 'no')]);
      expect(again).toEqual({ nextExpectedVersion: 1, events: [] });
    }
    expect(await sideRows(db, p)).toEqual([]);
    expect(await eventCount(db, id)).toBe(1);
  });

  it('refuses with ConcurrencyError when another writer took the position after it was read', async () => {
    const id = stream();
    const p = `${id}/`;
    await store.appendToStream(id, 'no_stream', [happened(1)]);
    const read = await store.readStream(id);
    // Between our read and our write, another writer appends at the version we read.
    await store.appendToStream(id, read.version, [happened(2)]);
    const error = await rejectionOf(
      appendToStream(db, id, read.version, [happened(3)], [sidePart(`${p}a`, 'no'), countPart(`${p}a`, 1)]),
    );
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(await sideRows(db, p)).toEqual([]);
    expect(await countRows(db, p)).toEqual([]);
    expect((await store.readStream(id)).events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  if (target.name === 'pg') {
    it('refuses with ConcurrencyError when another writer takes the position during the statement', async () => {
      const id = stream();
      const p = `${id}/`;
      await appendToStream(db, id, 'no_stream', [happened(1)], []);
      // The other writer has inserted position 2 but not committed: our statement's snapshot
      // still sees version 1, so it passes the version check and waits on the unique index.
      const error = await whileAnotherHolds(db, (tx) => appendToStream(tx, id, 1, [happened(2)]), () =>
        rejectionOf(appendToStream(db, id, 1, [happened(3)], [requiredSidePart(`${p}key`, 'r'), sidePart(`${p}gated`, 'g')])),
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).cause).toMatchObject({ code: '23505', constraint: 'events_stream_position_unique' });
      // The whole statement failed: even the required part's write is gone.
      expect(await sideRows(db, p)).toEqual([]);
      expect((await store.readStream(id)).events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    });
  }

  it('lets a part read what the statement appended (the CTE `appended`)', async () => {
    const id = stream();
    const p = `${id}/`;
    const seeing: AppendPart = {
      sql: (param, when) =>
        `INSERT INTO side (k, v) SELECT ${param(`${p}seen`, 'text')}, string_agg(type || '@' || stream_position, ',' ORDER BY stream_position) ` +
        `FROM appended WHERE ${when}`,
    };
    await appendToStream(db, id, 'no_stream', [happened(1), { type: 'Other', data: {} }], [seeing]);
    expect((await sideRows(db, p)).map((r) => r.v)).toEqual(['Happened@1,Other@2']);
  });

  if (target.name === 'pg') {
    it('settles a concurrent writer storing the same events: the later statement finds them stored and succeeds', async () => {
      const id = stream();
      const p = `${id}/`;
      await appendToStream(db, id, 'no_stream', [happened(1)], []);
      const same = [{ ...happened(2), id: randomUUID() }, { ...happened(3), id: randomUUID() }];
      // A retry of the same request on another process: it has stored the events, not yet committed.
      const ours = await whileAnotherHolds(db, (tx) => appendToStream(tx, id, 1, same), () =>
        appendToStream(db, id, 1, same, [sidePart(`${p}gated`, 'no')]),
      );
      expect(ours).toEqual({ nextExpectedVersion: 3, events: [] });
      expect(await sideRows(db, p)).toEqual([]);
      expect(await eventCount(db, id)).toBe(3);
    });
  }

  it('writes nothing at all when there are no events: a gated part needs them', async () => {
    const id = stream();
    const p = `${id}/`;
    await appendToStream(db, id, 'no_stream', [happened(1), happened(2)], []);
    const result = await appendToStream(db, id, 2, [], [sidePart(`${p}a`, 'A'), countPart(`${p}a`, 5)]);
    expect(result.events).toEqual([]);
    expect(await sideRows(db, p)).toEqual([]);
    expect(await countRows(db, p)).toEqual([]);
    expect(await eventCount(db, id)).toBe(2);
    const none = await appendToStream(db, stream(), 'no_stream', [], [sidePart(`${p}b`, 'B')]);
    expect(none).toEqual({ nextExpectedVersion: 0, events: [] });
    expect(await sideRows(db, p)).toEqual([]);
  });

  it('tells the stream version as the next expected version when it appends no events', async () => {
    // AppendResult.nextExpectedVersion: "the stream's version after the append: pass it as the
    // next expected version", also when it appended nothing.
    const id = stream();
    await appendToStream(db, id, 'no_stream', [happened(1), happened(2)], []);
    const result = await appendToStream(db, id, 2, [], [countPart(`${id}/a`, 1)]);
    expect(result.nextExpectedVersion).toBe(2);
  });

  it('keeps the values each part placed with param apart', async () => {
    const id = stream();
    const p = `${id}/`;
    const metadata = { requestId: 'r-params' };
    const result = await appendToStream(
      db,
      id,
      'no_stream',
      [{ type: 'Happened', data: { n: 1, text: '$7' }, metadata }],
      [
        sidePart(`${p}one`, 'first value'),
        countPart(`${p}one`, 1),
        requiredSidePart(`${p}required`, 'required value'),
        sidePart(`${p}two`, "second 'quoted' $1 value"),
        countPart(`${p}two`, -2),
        sidePart(`${p}three`, '第三'),
        countPart(`${p}three`, 2_147_483_647),
      ],
    );
    expect((await sideRows(db, p)).map((r) => [r.k, r.v])).toEqual([
      [`${p}one`, 'first value'],
      [`${p}required`, 'required value'],
      [`${p}three`, '第三'],
      [`${p}two`, "second 'quoted' $1 value"],
    ]);
    expect(await countRows(db, p)).toEqual([
      { k: `${p}one`, n: 1 },
      { k: `${p}three`, n: 2_147_483_647 },
      { k: `${p}two`, n: -2 },
    ]);
    const [stored] = (await store.readStream(id)).events;
    expect(stored).toMatchObject({ streamId: id, type: 'Happened', data: { n: 1, text: '$7' }, metadata });
    expect(result.events).toHaveLength(1);
  });

  it('runs the same composition many times over the pool, with another composition in between', async () => {
    const p = `reuse-${randomUUID()}/`;
    const composed = (i: number): AppendPart[] => [sidePart(`${p}${i}`, `v${i}`), countPart(`${p}${i}`, i)];
    const appendRound = (from: number) =>
      Promise.all(
        Array.from({ length: 5 }, async (_, j) => {
          const i = from + j;
          const id = `${p}stream-${i}`;
          // Two appends per stream: the first at no_stream, the next at version 1.
          await appendToStream(db, id, 'no_stream', [happened(i)], composed(i));
          return appendToStream(db, id, 1, [happened(i)], [countPart(`${p}${i}-again`, i)]);
        }),
      );
    const results = [...(await appendRound(0)), ...(await appendRound(5))];
    // A different set of parts, then the first composition again.
    await appendToStream(db, `${p}stream-other`, 'no_stream', [happened(0), happened(0)], [
      requiredSidePart(`${p}other`, 'o'),
      sidePart(`${p}other-gated`, 'og'),
    ]);
    results.push(...(await appendRound(10)), ...(await appendRound(15)));
    expect(results.map((r) => r.nextExpectedVersion)).toEqual(Array.from({ length: 20 }, () => 2));
    const sides = await sideRows(db, p);
    expect(sides).toHaveLength(22);
    for (let i = 0; i < 20; i++) expect(sides).toContainEqual(expect.objectContaining({ k: `${p}${i}`, v: `v${i}` }));
    const counts = await countRows(db, p);
    expect(counts).toHaveLength(40);
    for (let i = 0; i < 20; i++) {
      expect(counts).toContainEqual({ k: `${p}${i}`, n: i });
      expect(counts).toContainEqual({ k: `${p}${i}-again`, n: i });
    }
    for (let i = 0; i < 20; i += 7) expect(await eventCount(db, `${p}stream-${i}`)).toBe(2);
    if (db.kind === 'pg') {
      // The premise: several pooled connections hold the composition as a named statement.
      const holding = (await namedStatementsPerConnection(db, 5)).filter((names) =>
        names.some((name) => /^miniauth_append_[0-9a-f]{20}$/.test(name)),
      );
      expect(holding.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('returns the recorded events exactly as readStream reads them', async () => {
    const id = stream();
    await appendToStream(db, id, 'no_stream', [happened(1)], []);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const result = await appendToStream(
      db,
      id,
      1,
      [
        { id: ids[0], type: 'Happened', data: { n: 2, nested: { list: [1, 'two', null] } } },
        { id: ids[1]!.toUpperCase(), type: 'Other', data: null, metadata: { requestId: 'r-1' } },
        { id: ids[2], type: 'Happened', data: 'a string' },
      ],
      [sidePart(`${id}/a`, 'A')],
    );
    const read = await store.readStream(id);
    expect(result.nextExpectedVersion).toBe(4);
    expect(result.events).toEqual(read.events.slice(1));
    expect(result.events.map((e) => e.id)).toEqual(ids);
    expect(result.events.map((e) => e.streamPosition)).toEqual([2, 3, 4]);
    const [a, b, c] = result.events;
    expect(a!.globalPosition).toBeLessThan(b!.globalPosition);
    expect(b!.globalPosition).toBeLessThan(c!.globalPosition);
    expect(new Set(result.events.map((e) => e.transactionId)).size).toBe(1);
    expect(a!.transactionId).not.toBe(read.events[0]!.transactionId);
    expect((await sideRows(db, `${id}/`))[0]?.tx).toBe(a!.transactionId);
  });
});

describe.each(databaseTargets())('batches of any size on $name', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db?.close());

  it('stores 1 to 12 events per call in order, listed or passed as arrays, and leaves out the stored ones', async () => {
    for (let size = 1; size <= 12; size++) {
      const id = stream();
      const events = Array.from({ length: size }, (_, i) => ({ id: randomUUID(), ...happened(i) }));
      const result = await appendToStream(db, id, 'no_stream', events);
      expect(result.events.map((e) => [e.id, e.streamPosition, e.data])).toEqual(events.map((e, i) => [e.id, i + 1, { n: i }]));
      const again = await appendToStream(db, id, size, [...events, { ...happened(size) }]);
      expect(again.events.map((e) => e.streamPosition)).toEqual([size + 1]);
      expect(await eventCount(db, id)).toBe(size + 1);
    }
  });
});

// A named statement's generic plan is made once, after a few runs, from the table's statistics
// at that moment. Made on a new, empty events table, the plan must still look an event id up in
// its unique index: a hash of the whole table, chosen for an empty one, is kept while the table
// grows and made every append slower than the last.
describe.each(databaseTargets().filter((target) => target.name === 'pg'))('the append plan on $name', (target) => {
  it('looks event ids up by index in the generic plan made on an empty table', async () => {
    const db = await target.open({ poolSize: 1 });
    try {
      for (let i = 0; i < 8; i++) await appendToStream(db, stream(), 'no_stream', [happened(i)]);
      const { rows } = await db.query<{ name: string; generic_plans: string | number }>(
        `SELECT name, generic_plans FROM pg_prepared_statements WHERE name LIKE 'miniauth_append_%'`,
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.generic_plans)).toBeGreaterThan(0);
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE ${rows[0]!.name}('plan-probe', 0, '${randomUUID()}'::uuid, 'Happened', '{}'::jsonb, '{}'::jsonb)`,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Only Scan using events_event_id_unique/);
      expect(text).not.toMatch(/Seq Scan on events/);
    } finally {
      await db.close();
    }
  });
});
