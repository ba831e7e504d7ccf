// The event store a domain talks to. Every write is the one append (./append.ts); for a stream
// of a known type (./stream-types.ts) the store also seals the events' personal fields, keeps
// the stream's key, and writes the snapshot row in the same statement. `handle` runs a command:
// read the snapshot, decide, write at the version read, and on a conflict read and decide again.

import { SpanStatusCode, trace } from '@opentelemetry/api';
import { appendToStream, type AppendPart, type AppendResult } from './append.js';
import type { Database } from './database.js';
import { ConcurrencyError, type ExpectedVersion } from './errors.js';
import type { NewEvent } from './events.js';
import { readLog, readStream, type LogRead, type ReadAllOptions, type StreamRead } from './read.js';
import { carriesAny, createKeyPart, destroyKeyPart, newStreamKey, sealEvent } from './sealing.js';
import { readSnapshot, rebuildSnapshots, snapshotPart, type RebuildOptions, type Snapshot } from './snapshots.js';
import { personalFieldsOf, streamTypeOf, type AnyStreamType } from './stream-types.js';
import { TurnsByKey } from './stream-turns.js';

export interface WriteOptions {
  /** More writes that commit with the events or not at all (see AppendPart). */
  parts?: readonly AppendPart[];
}

export interface HandleOptions extends WriteOptions {
  /** Tries in all, counting the first (default 40). */
  maxAttempts?: number;
  /** More writes that depend on what was decided, after `parts` (none when it returns none). */
  partsFor?: (events: readonly NewEvent[]) => readonly AppendPart[];
}

/** What a command did: the events it appended (none when it changed nothing), and the state. */
export interface Handled<State, Event> {
  events: Event[];
  /** The state the decision was made from. */
  before: State | null;
  /** The state after the events (the snapshot row written with them). */
  after: State | null;
  /** The stream's version after the command. */
  version: number;
}

export interface EventStore {
  readonly db: Database;
  /** Appends at `expected`; on a stream of a known type, with its key and snapshot. */
  appendToStream(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[], options?: WriteOptions): Promise<AppendResult>;
  /**
   * Runs `decide` on the stream's current state and appends what it returns at the version it
   * read. A conflict (another process wrote the stream meanwhile) makes it read and decide
   * again, a bounded number of times; whatever `decide` throws is thrown at once.
   */
  handle<State extends object, Event extends NewEvent>(
    streamId: string,
    decide: (state: State | null) => Event[],
    options?: HandleOptions,
  ): Promise<Handled<State, Event>>;
  /** A stream's events in order, personal fields opened (or `redacted` once its key is gone). */
  readStream(streamId: string): Promise<StreamRead>;
  /** The whole log in commit-safe order, as stored (see ./read.ts). */
  readAll(options?: ReadAllOptions): Promise<LogRead>;
  /** Empties a stream type's snapshot table and folds the log into it again. */
  rebuild(type: AnyStreamType, options?: RebuildOptions): Promise<number>;
}

export interface EventStoreOptions {
  streamTypes?: readonly AnyStreamType[];
  /** Told how each append ended and how long it took (metrics). */
  onAppend?: (outcome: 'ok' | 'conflict' | 'error', seconds: number) => void;
}

const DEFAULT_MAX_ATTEMPTS = 40;

const tracer = trace.getTracer('miniauth');

// Full jitter: a random pause up to 2 ms × 2^attempt, at most 100 ms, so that racing callers
// spread out instead of colliding again.
const pause = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 * 2 ** attempt)));

export function createEventStore(db: Database, options: EventStoreOptions = {}): EventStore {
  const types = options.streamTypes ?? [];
  const turns = new TurnsByKey();
  const { onAppend } = options;

  /** The one append, in a span named after the stream type, timed for onAppend. */
  function timedAppend(
    streamId: string,
    type: AnyStreamType | undefined,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    parts: readonly AppendPart[],
  ): Promise<AppendResult> {
    return tracer.startActiveSpan('store append', { attributes: { 'miniauth.stream.type': type?.prefix ?? 'untyped', 'miniauth.events': events.length } }, (span) => {
      const started = performance.now();
      return appendToStream(db, streamId, expected, events, parts).then(
        (result) => {
          onAppend?.('ok', (performance.now() - started) / 1000);
          span.end();
          return result;
        },
        (error: unknown) => {
          const conflict = error instanceof ConcurrencyError;
          onAppend?.(conflict ? 'conflict' : 'error', (performance.now() - started) / 1000);
          span.setStatus({ code: SpanStatusCode.ERROR, message: conflict ? 'conflict' : 'error' });
          span.end();
          throw error;
        },
      );
    });
  }

  /** Seals, keys and snapshots the events of a typed stream, then appends them in one statement. */
  function write(
    streamId: string,
    type: AnyStreamType | undefined,
    snapshot: Snapshot<object> | undefined,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    callerParts: readonly AppendPart[],
  ): Promise<AppendResult & { after: object | null }> {
    if (type === undefined || snapshot === undefined) {
      return timedAppend(streamId, type, expected, events, callerParts).then((result) => ({ ...result, after: null }));
    }
    const parts: AppendPart[] = [];
    let key = snapshot.key;
    const fields = (event: NewEvent) => personalFieldsOf(type, event.type);
    if (key === undefined && events.some((event) => carriesAny(event, fields(event)))) {
      key = newStreamKey();
      parts.push(createKeyPart(streamId, key));
    }
    const after = events.reduce<object | null>((state, event) => type.evolve(state, event), snapshot.state);
    if (after !== null && events.length > 0) parts.push(snapshotPart(type, after, snapshot.version + events.length));
    if (events.some((event) => type.destroysKey?.includes(event.type))) parts.push(destroyKeyPart(streamId));
    parts.push(...callerParts);
    const sealed = events.map((event) => sealEvent(event, fields(event), key, streamId));
    return timedAppend(streamId, type, expected, sealed, parts).then((result) => ({ ...result, after }));
  }

  const store: EventStore = {
    db,

    async appendToStream(streamId, expected, events, writeOptions = {}) {
      const type = streamTypeOf(types, streamId);
      const snapshot = type === undefined ? undefined : await readSnapshot<object>(db, type, streamId);
      const { nextExpectedVersion, events: stored } = await write(streamId, type, snapshot, expected, events, writeOptions.parts ?? []);
      return { nextExpectedVersion, events: stored };
    },

    handle<State extends object, Event extends NewEvent>(
      streamId: string,
      decide: (state: State | null) => Event[],
      handleOptions: HandleOptions = {},
    ): Promise<Handled<State, Event>> {
      const type = streamTypeOf(types, streamId);
      if (type === undefined) throw new TypeError(`No stream type is registered for ${streamId}.`);
      const maxAttempts = handleOptions.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      return turns.take(streamId, async () => {
        for (let tried = 1; ; tried++) {
          const snapshot = await readSnapshot<State>(db, type, streamId);
          const events = decide(snapshot.state);
          if (events.length === 0) return { events, before: snapshot.state, after: snapshot.state, version: snapshot.version };
          try {
            const expected = snapshot.version === 0 ? 'no_stream' : snapshot.version;
            const parts = [...(handleOptions.parts ?? []), ...(handleOptions.partsFor?.(events) ?? [])];
            const written = await write(streamId, type, snapshot, expected, events, parts);
            return { events, before: snapshot.state, after: written.after as State | null, version: written.nextExpectedVersion };
          } catch (error) {
            if (!(error instanceof ConcurrencyError) || tried >= maxAttempts) throw error;
            await pause(tried);
          }
        }
      });
    },

    readStream: (streamId) => readStream(db, streamId),
    readAll: (readOptions) => readLog(db, readOptions),
    rebuild: (type, rebuildOptions) => rebuildSnapshots(db, type, rebuildOptions),
  };
  return store;
}
