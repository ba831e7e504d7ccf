// The shapes of the log: an event as a writer hands it in, and as a reader gets it back.

export type EventMetadata = Record<string, unknown>;

/** An event to append. `id` makes the append idempotent; one is generated when absent. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
  id?: string;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  streamId: string;
  /** 1 for the first event of a stream. */
  streamPosition: number;
  globalPosition: number;
  /** The writing transaction (xid8, as text). */
  transactionId: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** A place in the log, ordered by (transactionId, globalPosition) like the log reader. */
export interface LogCheckpoint {
  transactionId: string;
  globalPosition: number;
}

export interface EventRow {
  event_id: string;
  stream_id: string;
  stream_position: string | number;
  global_position: string | number;
  transaction_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata | null;
  recorded_at: Date | string;
}

export const EVENT_COLUMNS =
  'event_id, stream_id, stream_position, global_position, transaction_id::text AS transaction_id, ' +
  'type, data, metadata, recorded_at';

// pg answers bigint as text and PGlite as a number: both become numbers (positions stay far
// below 2^53).
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    globalPosition: Number(row.global_position),
    transactionId: String(row.transaction_id),
    type: row.type,
    data: row.data,
    metadata: row.metadata ?? {},
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

export function checkpointOf(event: RecordedEvent): LogCheckpoint {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}
