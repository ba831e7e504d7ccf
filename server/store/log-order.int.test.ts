// A reader follows the log while writers commit out of position order (pg: PGlite has one
// connection, so its transactions cannot overlap).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget, type TestDatabase } from '../../testing/databases.js';
import { appendToStream } from './append.js';
import type { Database } from './database.js';
import { createEventStore, type EventStore } from './event-store.js';
import type { LogCheckpoint } from './events.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Gate {
  open: () => void;
  opened: Promise<void>;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

interface Follower {
  seen: string[];
  /** Resolves once the reader has made `count` more reads, each begun after this call. */
  reads(count: number): Promise<void>;
  stop(): Promise<void>;
}

/** Follows the log in small pages until stopped, recording every event id it is handed. */
function follow(store: EventStore): Follower {
  const seen: string[] = [];
  let running = true;
  let after: LogCheckpoint | null = null;
  let done = 0;
  const loop = (async () => {
    while (running) {
      const read = await store.readAll({ after, limit: 3 });
      seen.push(...read.events.map((e) => e.id));
      after = read.checkpoint;
      done += 1;
      if (read.events.length === 0) await sleep(2);
    }
  })();
  return {
    seen,
    // One read may be under way already (begun before the call): count one more than asked.
    reads: async (count) => {
      const target = done + count + 1;
      while (done < target) await sleep(2);
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function allEventIds(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM events');
  return rows.map((r) => r.event_id);
}

describe('following the log on pg', () => {
  let db: TestDatabase;
  let other: Database;
  let store: EventStore;

  beforeAll(async () => {
    db = await pgTarget.open();
    other = await db.connectAgain();
    store = createEventStore(db);
  });
  afterAll(() => db?.close());

  it('misses nothing and sees nothing twice while writers commit out of order', async () => {
    const reader = follow(store);
    const holdLow = gate();
    const holdIdFirst = gate();
    try {
      await writeOutOfOrder(reader, holdLow, holdIdFirst);
    } finally {
      // A failed expectation must not leave transactions open (close would wait for them).
      holdLow.open();
      holdIdFirst.open();
      await reader.stop();
    }
    const expected = await allEventIds(db);
    expect(expected).toHaveLength(2 + 2 + 48);
    expect(new Set(reader.seen).size).toBe(reader.seen.length); // nothing twice
    expect([...reader.seen].sort()).toEqual([...expected].sort()); // nothing missed
  });

  async function writeOutOfOrder(reader: Follower, holdLow: Gate, holdIdFirst: Gate): Promise<void> {
    const { seen } = reader;
    const otherStore = createEventStore(other);

    // 1. A transaction takes a LOWER position and commits AFTER one with a higher position.
    const lowFirst = randomUUID();
    const highSecond = randomUUID();
    const lowWritten = gate();
    const low = db.transaction(async (tx) => {
      await appendToStream(tx, `order-${randomUUID()}`, 'no_stream', [{ id: lowFirst, type: 'Happened', data: {} }]);
      lowWritten.open();
      await holdLow.opened;
    });
    await lowWritten.opened;
    const high = await otherStore.appendToStream(`order-${randomUUID()}`, 'no_stream', [
      { id: highSecond, type: 'Happened', data: {} },
    ]);
    const highestIssued = await db.query<{ p: string }>('SELECT last_value AS p FROM events_global_position_seq');
    expect(high.events[0]?.globalPosition).toBe(Number(highestIssued.rows[0]?.p));
    await reader.reads(3); // the reader polls meanwhile, however slow the machine
    // Had the reader taken the committed higher position now, it would later skip the lower one.
    expect(seen).not.toContain(highSecond);
    holdLow.open();
    await low;

    // 2. The reverse: a transaction gets its id first, yet takes its position after another.
    const idTaken = gate();
    const early = db.transaction(async (tx) => {
      await tx.query('SELECT pg_current_xact_id()');
      idTaken.open();
      await holdIdFirst.opened;
      await appendToStream(tx, `order-${randomUUID()}`, 'no_stream', [{ type: 'Happened', data: {} }]);
    });
    await idTaken.opened;
    await otherStore.appendToStream(`order-${randomUUID()}`, 'no_stream', [{ type: 'Happened', data: {} }]);
    await reader.reads(3);
    holdIdFirst.open();
    await early;

    // 3. Many writers on two pools, each holding its transaction open for a random while.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 ? db : other).transaction(async (tx) => {
          await appendToStream(tx, `order-${randomUUID()}`, 'no_stream', [
            { type: 'Happened', data: { i } },
            { type: 'Happened', data: { i } },
          ]);
          await sleep(Math.random() * 25);
        }),
      ),
    );

    // The reader catches up in a few dozen reads of milliseconds; 10 s is for one that never does.
    const written = (await allEventIds(db)).length;
    const deadline = Date.now() + 10_000;
    while (seen.length < written && Date.now() < deadline) await sleep(10);
  }
});
