// Appends per second of the event store beside a raw INSERT of the same rows, in the same
// transaction shape (one transaction per append, one event, same columns, same table), on the
// same PostgreSQL, in one run, in a throwaway schema. Phases alternate so that drift in the
// machine's load hits both sides alike.
//
//   npx tsx bench/store.ts [seconds]      (DATABASE_URL, default the local `test` database)

import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Database } from '../server/store/database.js';
import { openDatabase } from '../server/store/open-database.js';
import { createEventStore, type EventStore } from '../server/store/event-store.js';
import { migrate } from '../server/store/migrate.js';
import { benchSchemaName, dropSchema } from './schemas.js';
import { pairedRounds, type PairedRounds } from './stats.js';

/** Appends per second (measured) beside raw inserts per second (baseline), per 300 ms phase. */
export type StoreBenchResult = PairedRounds & { rounds: number };

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

/** Runs WORKERS loops of `append` for `ms`; returns appends per second. */
async function phase(append: Append, ms: number): Promise<number> {
  const start = performance.now();
  const until = start + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      while (performance.now() < until) {
        await append(worker, done);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export async function benchStore(opts: { databaseUrl: string; seconds: number }): Promise<StoreBenchResult> {
  if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    throw new Error('The store benchmark measures PostgreSQL: give it a postgres:// URL.');
  }
  const schema = benchSchemaName('store');
  const db = await openDatabase(opts.databaseUrl, { schema, poolSize: WORKERS });
  try {
    await migrate(db);
    const store = storeAppend(createEventStore(db));
    const raw = rawInsert(db);
    await phase(store, PHASE_MS); // warm both paths: pool, prepared plans, caches
    await phase(raw, PHASE_MS);
    const rounds = Math.max(2, Math.round((opts.seconds * 1000) / PHASE_MS));
    const result = await pairedRounds(rounds, () => phase(store, PHASE_MS), () => phase(raw, PHASE_MS));
    return { ...result, rounds };
  } finally {
    await db.close();
    await dropSchema(opts.databaseUrl, schema);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const seconds = Number(process.argv[2] ?? process.env['BENCH_SECONDS'] ?? 7);
  const result = await benchStore({ databaseUrl, seconds });
  console.log(`store appends/s  ${Math.round(result.measured.median)} (spread ${result.measured.spread.toFixed(2)})`);
  console.log(`raw inserts/s    ${Math.round(result.baseline.median)} (spread ${result.baseline.spread.toFixed(2)})`);
  console.log(`ratio            ${result.ratio.toFixed(3)} (target ≥ 0.8)`);
}
