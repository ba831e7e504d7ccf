// Reading the log: one stream in order (opened), or the whole log in commit-safe order (as stored).

import type { Queryable } from './database.js';
import { openEvents } from './sealing.js';
import { checkpointOf, EVENT_COLUMNS, toRecordedEvent, type EventRow, type LogCheckpoint, type RecordedEvent } from './events.js';

export interface StreamRead {
  /** The position of the stream's last event; 0 when the stream does not exist. */
  version: number;
  /** In order, with sealed fields opened (or gone, `redacted`, once the stream's key is destroyed). */
  events: RecordedEvent[];
}

export async function readStream(q: Queryable, streamId: string): Promise<StreamRead> {
  const { rows } = await q.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_position`, [streamId]);
  const events = await openEvents(q, rows.map(toRecordedEvent));
  return { version: events[events.length - 1]?.streamPosition ?? 0, events };
}

export interface ReadAllOptions {
  /** Read events after this place; from the start when absent or null. */
  after?: LogCheckpoint | null;
  /** At most this many events (default 500). */
  limit?: number;
  /** Only these event types. */
  types?: readonly string[];
}

export interface LogRead {
  events: RecordedEvent[];
  /** The place after the last event returned (`after` itself when none): store it, pass it back. */
  checkpoint: LogCheckpoint | null;
}

/**
 * The whole log in (transaction_id, global_position) order, showing only transactions older
 * than the oldest one still running. A transaction that took a lower position but commits
 * later is therefore not visible until it has committed, and it still sorts after the
 * checkpoint because its transaction id is at least that snapshot's xmin. Positions alone would
 * skip it (the checkpoint pair is what makes this exact; Emmett orders by the same pair).
 */
export async function readLog(q: Queryable, options: ReadAllOptions = {}): Promise<LogRead> {
  const limit = options.limit ?? 500;
  const params: unknown[] = [limit];
  const where = ['transaction_id < pg_snapshot_xmin(pg_current_snapshot())'];
  if (options.after) {
    params.push(options.after.transactionId, options.after.globalPosition);
    where.push(`(transaction_id, global_position) > ($${params.length - 1}::xid8, $${params.length}::bigint)`);
  }
  if (options.types) {
    params.push([...options.types]);
    where.push(`type = ANY($${params.length}::text[])`);
  }
  const { rows } = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')}
     ORDER BY transaction_id, global_position LIMIT $1`,
    params,
  );
  const events = rows.map(toRecordedEvent);
  const last = events[events.length - 1];
  return { events, checkpoint: last ? checkpointOf(last) : (options.after ?? null) };
}
