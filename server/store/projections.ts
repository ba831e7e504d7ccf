// Projections turn the log into tables. Inline ones run inside the append's transaction (a
// writer reads its own write at once); async ones follow the log with a stored checkpoint.
// Either kind can be rebuilt from the log, and must then equal what was built live.

import type { Database, Queryable } from './database.js';
import type { LogCheckpoint, RecordedEvent } from './events.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './events.js';
import { readLog } from './read.js';

export interface Projection {
  name: string;
  /** The event types it reads; it never sees the others. */
  handles: readonly string[];
  /** The tables it writes, locked while it is rebuilt. */
  tables: readonly string[];
  /** Applies events in log order, inside the caller's transaction. */
  apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<void>;
  /** Empties its tables before a rebuild. */
  reset(tx: Queryable): Promise<void>;
}

const tableName = /^[a-z_][a-z0-9_]*$/;

export async function applyProjection(
  tx: Queryable,
  projection: Projection,
  events: readonly RecordedEvent[],
): Promise<void> {
  const handled = events.filter((event) => projection.handles.includes(event.type));
  if (handled.length > 0) await projection.apply(tx, handled);
}

/**
 * Rebuilds an inline projection in one transaction. The lock waits for appends that already
 * wrote its tables and makes later ones wait; an append still before its projection step
 * applies its events after us, on the rebuilt rows.
 */
export async function rebuildInlineProjection(
  db: Database,
  projection: Projection,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  return db.transaction(async (tx) => {
    for (const table of projection.tables) {
      if (!tableName.test(table)) throw new TypeError(`Projection table "${table}" is not a plain name.`);
    }
    if (projection.tables.length > 0) {
      await tx.query(`LOCK TABLE ${projection.tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    }
    await projection.reset(tx);
    let after = 0;
    let total = 0;
    for (;;) {
      const { rows } = await tx.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events
         WHERE type = ANY($1::text[]) AND global_position > $2
         ORDER BY global_position LIMIT $3`,
        [[...projection.handles], after, batchSize],
      );
      const events = rows.map(toRecordedEvent);
      if (events.length > 0) await projection.apply(tx, events);
      total += events.length;
      const last = events[events.length - 1];
      if (!last || events.length < batchSize) return total;
      after = last.globalPosition;
    }
  });
}

interface CheckpointRow {
  transaction_id: string | null;
  global_position: string | number | null;
}

export async function readCheckpoint(q: Queryable, name: string): Promise<LogCheckpoint | null> {
  const { rows } = await q.query<CheckpointRow>(
    'SELECT transaction_id::text AS transaction_id, global_position FROM projection_checkpoints WHERE name = $1',
    [name],
  );
  const row = rows[0];
  if (!row || row.transaction_id === null || row.global_position === null) return null;
  return { transactionId: row.transaction_id, globalPosition: Number(row.global_position) };
}

/**
 * Brings an async projection up to date: batches of the log after its checkpoint, each applied
 * and checkpointed in one transaction. The checkpoint row is locked, so two runners of the same
 * projection take turns instead of applying a batch twice. Returns the events applied.
 */
export async function catchUpProjection(
  db: Database,
  projection: Projection,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let total = 0;
  for (;;) {
    const applied = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
        projection.name,
      ]);
      await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
      const after = await readCheckpoint(tx, projection.name);
      const read = await readLog(tx, { after, limit: batchSize, types: projection.handles });
      if (read.events.length === 0 || !read.checkpoint) return 0;
      await projection.apply(tx, read.events);
      await tx.query(
        `UPDATE projection_checkpoints SET transaction_id = $2::xid8, global_position = $3, updated_at = now()
         WHERE name = $1`,
        [projection.name, read.checkpoint.transactionId, read.checkpoint.globalPosition],
      );
      return read.events.length;
    });
    total += applied;
    if (applied < batchSize) return total;
  }
}

/** Empties an async projection and its checkpoint, then follows the log from the start. */
export async function rebuildAsyncProjection(
  db: Database,
  projection: Projection,
  options: { batchSize?: number } = {},
): Promise<number> {
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
      projection.name,
    ]);
    await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
    await projection.reset(tx);
    await tx.query(
      'UPDATE projection_checkpoints SET transaction_id = NULL, global_position = NULL, updated_at = now() WHERE name = $1',
      [projection.name],
    );
  });
  return catchUpProjection(db, projection, options);
}
