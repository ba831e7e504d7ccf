// The one append: events at an expected version, idempotent by event id, and the writes that
// must commit with them (a snapshot row, a key, a caller's bookkeeping), as ONE statement of
// data-modifying CTEs. One round trip and, outside a transaction, one commit: either all of it
// is written or none of it.
//
// - An event whose id is stored already is left out: sending the same events again is not an
//   error. When all of them are stored, nothing is written and the call succeeds.
// - The version check holds for the events still to store: another version than expected is a
//   ConcurrencyError with nothing written, and so is a concurrent writer that takes the same
//   position first (the unique index refuses ours), or a deadlock that aborts the statement.
// - A part either goes with the events (its SQL is gated on them being inserted: `when`), or is
//   required by them (it runs first, and nothing is appended unless it returns a row).
// - A part may read what the statement wrote before it: the CTE `appended` (the inserted
//   events: event_id, stream_position, type, …) and, for a stream with a snapshot, the CTE
//   `snapshot` (the row written, every column).

import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from './database.js';
import { ConcurrencyError, sqlStateOf, type ExpectedVersion } from './errors.js';
import type { NewEvent, RecordedEvent } from './events.js';

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** The events stored by this call (those whose id was already stored are left out). */
  events: RecordedEvent[];
}

/** Places a value as the next parameter of the statement; returns `$n::type`. */
export type Param = (value: unknown, type: string) => string;

/** One more write of the append's statement, as a data-modifying CTE. */
export interface AppendPart {
  /**
   * The CTE's body. `param` places its values; `when` is a condition that holds only if the
   * append inserts: a part that must not happen without the events puts it in its WHERE.
   */
  sql(param: Param, when: string): string;
  /** The CTE's name, for later parts to read (e.g. `snapshot`); `part_<n>` when absent. */
  name?: string;
  /**
   * The events are inserted only if this part returns a row (a key it creates with ON
   * CONFLICT DO NOTHING, say). Such a part runs first and is not gated by `when`. Make it a
   * data-modifying statement with RETURNING: a plain SELECT may be folded into the check.
   */
  requiredByAppend?: boolean;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const cteName = /^[a-z_][a-z0-9_]*$/;

interface Prepared {
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

function prepare(events: readonly NewEvent[]): Prepared[] {
  const seen = new Set<string>();
  const prepared: Prepared[] = [];
  for (const event of events) {
    const id = (event.id ?? randomUUID()).toLowerCase();
    if (!uuidPattern.test(id)) throw new TypeError(`Event id "${id}" is not a UUID.`);
    if (seen.has(id)) continue; // the same event twice in one call is stored once
    seen.add(id);
    prepared.push({ id, type: event.type, data: event.data ?? null, metadata: event.metadata ?? {} });
  }
  return prepared;
}

function expectedParam(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new TypeError(`Expected version ${String(expected)} is not a version.`);
  }
  return expected;
}

interface AppendRow {
  stream_version: string | number;
  fresh_count: string | number;
  event_id: string | null;
  stream_position: string | number | null;
  global_position: string | number | null;
  transaction_id: string | null;
  recorded_at: Date | string | null;
}

// $1 stream, $2 expected version (NULL = any), then the events (`input`); `also`: the
// conditions of the parts the append requires.
function statement(input: string, also: string, required: readonly string[], gated: readonly string[]): string {
  return `WITH ${[
    ...required,
    `input AS (
  ${input}
)`,
    `fresh AS (
  SELECT i.*, row_number() OVER (ORDER BY i.ordinal) AS n FROM input i
  WHERE (SELECT stored.event_id FROM events stored WHERE stored.event_id = i.id LIMIT 1) IS NULL
)`,
    `stream AS (SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = $1)`,
    `appended AS (
  INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
  SELECT f.id, $1, stream.version + f.n, f.type, f.data, f.metadata FROM fresh f, stream
  WHERE ($2::bigint IS NULL OR stream.version = $2::bigint)${also}
  ORDER BY f.n
  RETURNING event_id, stream_position, global_position, transaction_id::text AS transaction_id, recorded_at, type
)`,
    ...gated,
  ].join(',\n')}
SELECT stream.version AS stream_version, (SELECT count(*) FROM fresh) AS fresh_count,
       a.event_id, a.stream_position, a.global_position, a.transaction_id, a.recorded_at
FROM stream LEFT JOIN appended a ON true
ORDER BY a.stream_position`;
}

// Each distinct composition is prepared once per connection, under a name from its text.
const preparedNames = new Map<string, string>();
const MAX_PREPARED_NAMES = 200;

function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED_NAMES) {
    name = `miniauth_append_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
  return name;
}

// From one up to this many events are listed as VALUES, one statement text per count: the planner then
// knows how many rows come in, keeps one generic plan per count, and that plan looks each id up
// in the index however small the table was when it was made. More are passed as arrays.
const LISTED_EVENTS = 8;

function compose(streamId: string, expected: ExpectedVersion, events: readonly Prepared[], parts: readonly AppendPart[]) {
  const values: unknown[] = [streamId, expectedParam(expected)];
  const param: Param = (value, type) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const input = events.length > 0 && events.length <= LISTED_EVENTS
    ? `SELECT * FROM (VALUES ${events
      .map((e, i) => `(${param(e.id, 'uuid')}, ${param(e.type, 'text')}, ${param(JSON.stringify(e.data), 'jsonb')}, ${param(JSON.stringify(e.metadata), 'jsonb')}, ${i + 1}::bigint)`)
      .join(', ')}) AS e(id, type, data, metadata, ordinal)`
    : `SELECT * FROM unnest(${param(events.map((e) => e.id), 'uuid[]')}, ${param(events.map((e) => e.type), 'text[]')}, ${param(
      events.map((e) => JSON.stringify(e.data)),
      'jsonb[]',
    )}, ${param(events.map((e) => JSON.stringify(e.metadata)), 'jsonb[]')}) WITH ORDINALITY AS e(id, type, data, metadata, ordinal)`;
  const required: string[] = [];
  const gated: string[] = [];
  let also = '';
  parts.forEach((part, i) => {
    const name = part.name ?? (part.requiredByAppend ? `required_${i}` : `part_${i}`);
    if (!cteName.test(name)) throw new TypeError(`Part name "${name}" is not a plain name.`);
    if (part.requiredByAppend) {
      required.push(`${name} AS (${part.sql(param, 'true')})`);
      also += ` AND EXISTS (SELECT 1 FROM ${name})`;
    } else {
      gated.push(`${name} AS (${part.sql(param, 'EXISTS (SELECT 1 FROM appended)')})`);
    }
  });
  return { text: statement(input, also, required, gated), values };
}

function toRecorded(streamId: string, events: readonly Prepared[], rows: readonly AppendRow[]): RecordedEvent[] {
  const byId = new Map(events.map((event) => [event.id, event]));
  return rows.flatMap((row) => {
    if (row.event_id === null) return [];
    const event = byId.get(row.event_id)!;
    return [{
      id: row.event_id,
      streamId,
      streamPosition: Number(row.stream_position),
      globalPosition: Number(row.global_position),
      transactionId: String(row.transaction_id),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(String(row.recorded_at)),
    }];
  });
}

/** A concurrent writer stored one of these event ids first: the statement is tried again. */
const DUPLICATE_ID_ATTEMPTS = 2;

/**
 * Appends `events` to `streamId` at `expected`, with `parts`, in one statement (see the top of
 * this file). Throws ConcurrencyError when the stream is at another version, when a required
 * part returned no row, or when a concurrent writer took the position; nothing is written then.
 */
export async function appendToStream(
  q: Queryable,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  parts: readonly AppendPart[] = [],
): Promise<AppendResult> {
  const prepared = prepare(events);
  const { text, values } = compose(streamId, expected, prepared, parts);
  const name = preparedName(text);
  for (let attempt = 1; ; attempt++) {
    let rows: AppendRow[];
    try {
      ({ rows } = await q.query<AppendRow>(text, values, name === undefined ? {} : { name }));
    } catch (error) {
      const { code, constraint } = sqlStateOf(error);
      if (code === '23505' && constraint === 'events_stream_position_unique') {
        throw new ConcurrencyError(streamId, expected, undefined, error);
      }
      // Chosen as a deadlock's victim (against a transaction writing several streams): nothing
      // of the statement is written, and deciding again is safe.
      if (code === '40P01') throw new ConcurrencyError(streamId, expected, undefined, error);
      // Stored by a concurrent writer a moment ago: the next statement sees it and leaves it out.
      if (code === '23505' && constraint === 'events_event_id_unique' && attempt < DUPLICATE_ID_ATTEMPTS) continue;
      if (code === '23505' && constraint === 'events_event_id_unique') throw new ConcurrencyError(streamId, expected, undefined, error);
      throw error;
    }
    const version = Number(rows[0]?.stream_version ?? 0);
    const stored = toRecorded(streamId, prepared, rows);
    if (Number(rows[0]?.fresh_count ?? 0) > 0 && stored.length === 0) {
      throw new ConcurrencyError(streamId, expected, version);
    }
    return { nextExpectedVersion: stored[stored.length - 1]?.streamPosition ?? version, events: stored };
  }
}
