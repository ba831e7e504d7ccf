// Appends per second of the event store beside a raw INSERT of the same rows, in the same
// transaction shape (one transaction per append, one event, same columns, same table), on the
// same PostgreSQL, in one run, in a throwaway schema. Phases alternate so that drift in the
// machine's load hits both sides alike.
//
//   npx tsx bench/store.ts [seconds]      (DATABASE_URL, default the local `test` database)

import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '../server/store/database.js';
import { createEventStore, type EventStore } from '../server/store/eventStore.js';
import { migrate } from '../server/store/migrate.js';

export interface StoreBenchResult {
  storeAppendsPerSec: number;
  rawInsertsPerSec: number;
  ratio: number;
}

const WORKERS = 4; // concurrent writers, each on its own streams
const EVENTS_PER_STREAM = 5; // a user stream is short: registered, a few logins
const PHASE_MS = 300; // short phases, many of them: load swings on a shared box even out

function benchEvent(n: number): { type: string; data: unknown; metadata: Record<string, unknown> } {
  return {
    type: 'UserLoggedIn',
    data: { userId: randomUUID(), at: new Date().toISOString(), rid: `rid-${n}` },
    metadata: { requestId: randomUUID() },
  };
}

type Append = (worker: number, n: number) => Promise<void>;

function storeAppend(store: EventStore): Append {
  const streams = Array.from({ length: WORKERS }, () => ({ id: randomUUID(), version: 0 }));
  return async (worker, n) => {
    const stream = streams[worker]!;
    if (stream.version === EVENTS_PER_STREAM) Object.assign(stream, { id: randomUUID(), version: 0 });
    const expected = stream.version === 0 ? 'no_stream' : stream.version;
    const result = await store.appendToStream(`bench-${stream.id}`, expected, [benchEvent(n)]);
    stream.version = result.nextExpectedVersion;
  };
}

function rawInsert(db: Database): Append {
  const streams = Array.from({ length: WORKERS }, () => ({ id: randomUUID(), version: 0 }));
  return async (worker, n) => {
    const stream = streams[worker]!;
    if (stream.version === EVENTS_PER_STREAM) Object.assign(stream, { id: randomUUID(), version: 0 });
    const event = benchEvent(n);
    await db.transaction((tx) =>
      tx.query(
        `INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
        [
          randomUUID(),
          `raw-${stream.id}`,
          stream.version + 1,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ],
      ),
    );
    stream.version += 1;
  };
}

/** Runs WORKERS loops of `append` for `ms`; returns the appends completed. */
async function phase(append: Append, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      while (Date.now() < until) {
        await append(worker, done);
        done += 1;
      }
    }),
  );
  return done;
}

export async function benchStore(opts: { databaseUrl: string; seconds: number }): Promise<StoreBenchResult> {
  if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    throw new Error('The store benchmark measures PostgreSQL: give it a postgres:// URL.');
  }
  const schema = `miniauth_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const db = await openDatabase(opts.databaseUrl, { schema, poolSize: WORKERS });
  try {
    await migrate(db);
    const store = createEventStore(db);
    const sides = { store: storeAppend(store), raw: rawInsert(db) };
    const phasesPerSide = Math.max(2, Math.round((opts.seconds * 1000) / (2 * PHASE_MS)));
    await phase(sides.store, PHASE_MS); // warm both paths: pool, prepared plans, caches
    await phase(sides.raw, PHASE_MS);
    const totals = { store: 0, raw: 0 };
    for (let i = 0; i < phasesPerSide; i++) {
      const order = i % 2 ? (['raw', 'store'] as const) : (['store', 'raw'] as const);
      for (const side of order) totals[side] += await phase(sides[side], PHASE_MS);
    }
    const seconds = (phasesPerSide * PHASE_MS) / 1000;
    const storeAppendsPerSec = Math.round(totals.store / seconds);
    const rawInsertsPerSec = Math.round(totals.raw / seconds);
    return { storeAppendsPerSec, rawInsertsPerSec, ratio: Number((storeAppendsPerSec / rawInsertsPerSec).toFixed(3)) };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const seconds = Number(process.argv[2] ?? process.env['BENCH_SECONDS'] ?? 7);
  const result = await benchStore({ databaseUrl, seconds });
  console.log(`store appends/s  ${result.storeAppendsPerSec}`);
  console.log(`raw inserts/s    ${result.rawInsertsPerSec}`);
  console.log(`ratio            ${result.ratio} (target ≥ 0.8)`);
}
