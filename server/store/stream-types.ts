// What the store knows of a kind of stream: its name prefix, the one fold of its events, the
// table that keeps the fold of each stream as a row (the snapshot), and which event fields are
// personal data. The snapshot is written in the statement that appends the events, so the row
// is always the fold up to its `stream_version`; a command decides from it without reading the
// stream, and the table is rebuilt from the log with the same fold.

import type { ColumnTable } from './columns.js';

export interface StreamType<State extends object, Event extends { type: string; data: unknown }> {
  /** Streams of this type are named `${prefix}${key}`. */
  readonly prefix: string;
  /** The fold: the state after one more event (null: the stream holds no state yet). */
  evolve(state: State | null, event: Event): State | null;
  readonly snapshot: {
    /** Also has a `stream_version bigint` column: the position of the last event folded in. */
    readonly table: string;
    readonly columns: ColumnTable<State>;
    /** The field whose value is the stream's key (the stream id without the prefix). */
    readonly key: keyof State & string;
  };
  /** The fields of each event type sealed with the stream's key (see ./sealing.ts). */
  readonly personalFields?: { readonly [Type in Event['type']]?: readonly string[] };
  /** Event types whose append destroys the stream's key, in the same statement (erasure). */
  readonly destroysKey?: readonly Event['type'][];
}

// The store handles stream types of any state and event shape.
export type AnyStreamType = StreamType<any, any>;

export function personalFieldsOf(type: AnyStreamType | undefined, eventType: string): readonly string[] {
  return (type?.personalFields as Record<string, readonly string[]> | undefined)?.[eventType] ?? [];
}

export function streamTypeOf(types: readonly AnyStreamType[], streamId: string): AnyStreamType | undefined {
  return types.find((type) => streamId.startsWith(type.prefix));
}
