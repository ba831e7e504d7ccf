// Async projections: tables that follow the log after it is written, each with a stored
// checkpoint, for what nobody needs to read in the request that wrote it (failed logins). A
// stream's own state is not one of these: it is its snapshot, written with its events
// (./snapshots.ts). Either kind can be rebuilt from the log, and must then equal what was built live.

import type { Database, Queryable } from './database.js';
import type { LogCheckpoint, RecordedEvent } from './events.js';
import { readLog } from './read.js';

export interface Projection {
  name: string;
  /** The event types it reads; it never sees the others. */
  handles: readonly string[];
  /** Applies events in log order, inside the caller's transaction. */
  apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<void>;
  /** Empties its tables before a rebuild. */
  reset(tx: Queryable): Promise<void>;
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
