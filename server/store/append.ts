// Appending to a stream. The usual append is ONE statement, prepared once per connection: the
// expected-version check and the insert together, so it costs what a plain INSERT costs. Only
// when it inserts nothing (a wrong version, or a retry of events already stored) or meets an
// event id already stored does a second statement sort out which: idempotent by event id, or a
// ConcurrencyError with nothing written. A concurrent writer that takes the same position first
// makes the unique index refuse ours: a ConcurrencyError too.
//
// `appendWithParts` goes further for writers that know their events are new: the append and
// the other writes that must go with it (a projection's row, keys, a caller's bookkeeping) as
// ONE statement of data-modifying CTEs, gated on the events being inserted.

import { createHash, randomUUID } from 'node:crypto';
import { sqlStateOf, type Queryable } from './database.js';
import { ConcurrencyError, type ExpectedVersion } from './errors.js';
import type { NewEvent, RecordedEvent } from './events.js';

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** The events stored by this call (those whose id was already stored are left out). */
  events: RecordedEvent[];
}

// $1 stream, $2 expected version (NULL = any), $3.. the events as parallel arrays. `also` is
// one more condition for inserting anything (a part the append requires).
const insertEvents = (also = '') => `
INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
SELECT e.id, $1, stream.version + e.ordinal, e.type, e.data, e.metadata
FROM (SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = $1) stream,
     unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ordinal)
WHERE ($2::bigint IS NULL OR stream.version = $2::bigint)${also}
ORDER BY e.ordinal
RETURNING event_id, stream_position, global_position, transaction_id::text AS transaction_id, recorded_at`;

const APPEND_SQL = insertEvents();

// The same append, leaving out events whose id is already stored, and telling what it found.
const APPEND_NEW_ONLY_SQL = `
WITH input AS (
  SELECT * FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ordinal)
),
fresh AS (
  SELECT i.*, row_number() OVER (ORDER BY i.ordinal) AS n
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM events stored WHERE stored.event_id = i.id)
),
stream AS (
  SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = $1
),
inserted AS (
  INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
  SELECT f.id, $1, stream.version + f.n, f.type, f.data, f.metadata
  FROM fresh f, stream
  WHERE $2::bigint IS NULL OR stream.version = $2::bigint
  ORDER BY f.n
  RETURNING event_id, stream_position, global_position, transaction_id::text AS transaction_id, recorded_at
)
SELECT stream.version AS stream_version, (SELECT count(*) FROM fresh) AS fresh_count, i.*
FROM stream LEFT JOIN inserted i ON true
ORDER BY i.stream_position`;

interface InsertedRow {
  event_id: string;
  stream_position: string | number;
  global_position: string | number;
  transaction_id: string;
  recorded_at: Date | string;
}

interface NewOnlyRow extends Partial<InsertedRow> {
  stream_version: string | number;
  fresh_count: string | number;
  event_id?: string;
}

/** The append met an event id already stored: the transaction is spoiled, redo it new-only. */
export class DuplicateEventIdError extends Error {
  constructor(cause: unknown) {
    super('An appended event id is already stored.', { cause });
    this.name = 'DuplicateEventIdError';
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

function recorded(streamId: string, events: readonly Prepared[], rows: readonly InsertedRow[]): RecordedEvent[] {
  const byId = new Map(events.map((event) => [event.id, event]));
  return rows.map((row) => {
    const event = byId.get(row.event_id)!;
    return {
      id: row.event_id,
      streamId,
      streamPosition: Number(row.stream_position),
      globalPosition: Number(row.global_position),
      transactionId: String(row.transaction_id),
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
    };
  });
}

// The append's first six parameters: $1 stream, $2 expected version, $3.. the events.
function eventParams(streamId: string, expected: ExpectedVersion, prepared: readonly Prepared[]): unknown[] {
  return [
    streamId,
    expectedParam(expected),
    prepared.map((e) => e.id),
    prepared.map((e) => e.type),
    prepared.map((e) => JSON.stringify(e.data)),
    prepared.map((e) => JSON.stringify(e.metadata)),
  ];
}

// What a refused INSERT into events means to the caller.
function appendFailure(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const { code, constraint } = sqlStateOf(error);
  if (code === '23505' && constraint === 'events_event_id_unique') return new DuplicateEventIdError(error);
  if (code === '23505' && constraint === 'events_stream_position_unique') {
    return new ConcurrencyError(streamId, expected, undefined, error);
  }
  return error;
}

export interface AppendEventsOptions {
  /** Skip events whose id is already stored up front (slower; after a DuplicateEventIdError). */
  newOnly?: boolean;
}

/**
 * Appends inside the caller's transaction. Throws ConcurrencyError on a version conflict, and
 * DuplicateEventIdError (transaction spoiled) when an event id is stored already and the
 * version matched: redo the transaction with `newOnly`, as appendToStream does.
 */
export async function appendEvents(
  tx: Queryable,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  options: AppendEventsOptions = {},
): Promise<AppendResult> {
  const prepared = prepare(events);
  const params = eventParams(streamId, expected, prepared);
  try {
    if (!options.newOnly && prepared.length > 0) {
      const { rows } = await tx.query<InsertedRow>(APPEND_SQL, params, { name: 'miniauth_append_events' });
      if (rows.length > 0) {
        const events = recorded(streamId, prepared, rows);
        return { nextExpectedVersion: events[events.length - 1]!.streamPosition, events };
      }
    }
    // Nothing inserted: a wrong version, or these events are stored already. Find out which.
    const { rows } = await tx.query<NewOnlyRow>(APPEND_NEW_ONLY_SQL, params, { name: 'miniauth_append_new_events' });
    const version = Number(rows[0]?.stream_version ?? 0);
    const inserted = rows.filter((row): row is NewOnlyRow & InsertedRow => row.event_id != null);
    if (Number(rows[0]?.fresh_count ?? 0) > 0 && inserted.length === 0) {
      throw new ConcurrencyError(streamId, expected, version);
    }
    const events = recorded(streamId, prepared, inserted);
    return { nextExpectedVersion: events[events.length - 1]?.streamPosition ?? version, events };
  } catch (error) {
    throw appendFailure(error, streamId, expected);
  }
}

/** Places a value as the next parameter of a composed statement; returns `$n::type`. */
export type Param = (value: unknown, type: string) => string;

/**
 * One more write that goes with an append made as a single statement, as a data-modifying
 * CTE. `sql` places its values with `param`; `when` is a condition that holds only if the
 * append inserts: a part that must not happen without the events puts it in its WHERE.
 */
export interface AppendPart {
  sql(param: Param, when: string): string;
  /**
   * The events are inserted only if this part returns a row (a key it creates with
   * ON CONFLICT DO NOTHING, say). Such a part is not gated by `when`: it runs first, and its
   * write stays even when the append then inserts nothing. Make it a data-modifying statement
   * with RETURNING: a plain SELECT may be folded into the check and never run on its own.
   */
  requiredByAppend?: boolean;
}

// Each distinct composition is prepared once per connection, under a name from its text.
const composedNames = new Map<string, string>();
const MAX_COMPOSED_NAMES = 200;

function composedName(text: string): string | undefined {
  let name = composedNames.get(text);
  if (name === undefined && composedNames.size < MAX_COMPOSED_NAMES) {
    name = `miniauth_append_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    composedNames.set(text, name);
  }
  return name;
}

/**
 * Appends and makes `parts` in ONE statement, so one round trip and, outside a transaction,
 * one commit: either everything is written or nothing is. The events must be new (their ids
 * fresh): inserting nothing, for a wrong version or because a required part returned no row,
 * is a ConcurrencyError, and then no gated part wrote anything. With no events the parts run
 * ungated.
 */
export async function appendWithParts(
  q: Queryable,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  parts: readonly AppendPart[],
): Promise<AppendResult> {
  const prepared = prepare(events);
  const values = prepared.length > 0 ? eventParams(streamId, expected, prepared) : [];
  const param: Param = (value, type) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const required = parts.filter((part) => part.requiredByAppend);
  const gated = parts.filter((part) => !part.requiredByAppend);
  if (prepared.length === 0) {
    // Nothing to append: the parts run, and the stream's version comes back, in one statement.
    const stream = param(streamId, 'text');
    const ctes = parts.map((part, i) => `part_${i} AS (${part.sql(param, 'true')})`);
    const version = `SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = ${stream}`;
    const { rows } = await q.query<{ version: string | number }>(
      ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${version}` : version,
      values,
    );
    return { nextExpectedVersion: Number(rows[0]?.version ?? 0), events: [] };
  }
  const ctes = required.map((part, i) => `required_${i} AS (${part.sql(param, 'true')})`);
  const also = required.map((_, i) => ` AND EXISTS (SELECT 1 FROM required_${i})`).join('');
  ctes.push(`appended AS (${insertEvents(also)})`);
  gated.forEach((part, i) => ctes.push(`part_${i} AS (${part.sql(param, 'EXISTS (SELECT 1 FROM appended)')})`));
  const text = `WITH ${ctes.join(',\n')}\nSELECT * FROM appended ORDER BY stream_position`;
  const name = composedName(text);
  let rows: InsertedRow[];
  try {
    ({ rows } = await q.query<InsertedRow>(text, values, name === undefined ? {} : { name }));
  } catch (error) {
    throw appendFailure(error, streamId, expected);
  }
  if (rows.length === 0) throw new ConcurrencyError(streamId, expected);
  const stored = recorded(streamId, prepared, rows);
  return { nextExpectedVersion: stored[stored.length - 1]!.streamPosition, events: stored };
}
