// The event store a domain talks to: append with an expected version (inline projections in
// the same transaction), read a stream, follow the whole log.

import type { Database } from './database.js';
import { ConcurrencyError, type ExpectedVersion } from './errors.js';
import type { NewEvent } from './events.js';
import { appendEvents, DuplicateEventIdError, type AppendResult } from './append.js';
import { applyProjection, type Projection } from './projections.js';
import { readLog, readStreamEvents, type LogRead, type ReadAllOptions, type StreamRead } from './read.js';

export interface EventStore {
  readonly db: Database;
  appendToStream(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
  ): Promise<AppendResult>;
  readStream(streamId: string): Promise<StreamRead>;
  readAll(options?: ReadAllOptions): Promise<LogRead>;
}

export interface EventStoreOptions {
  inlineProjections?: readonly Projection[];
}

// With 'any' a lost race on the next position is not the caller's conflict: just try again.
const ANY_VERSION_ATTEMPTS = 5;

export function createEventStore(db: Database, options: EventStoreOptions = {}): EventStore {
  const inline = options.inlineProjections ?? [];

  const appendOnce = (
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    newOnly: boolean,
  ): Promise<AppendResult> =>
    db.transaction(async (tx) => {
      const result = await appendEvents(tx, streamId, expectedVersion, events, { newOnly });
      if (result.events.length > 0) {
        for (const projection of inline) await applyProjection(tx, projection, result.events);
      }
      return result;
    });

  return {
    db,
    async appendToStream(streamId, expectedVersion, events) {
      let newOnly = false;
      for (let attempt = 1; ; attempt++) {
        try {
          return await appendOnce(streamId, expectedVersion, events, newOnly);
        } catch (error) {
          if (error instanceof DuplicateEventIdError) {
            // Some events are stored already: once more, leaving them out. Meeting one again
            // then means another writer is storing the same events right now.
            if (newOnly) throw new ConcurrencyError(streamId, expectedVersion, undefined, error);
            newOnly = true;
            continue;
          }
          const retry = expectedVersion === 'any' && error instanceof ConcurrencyError && attempt < ANY_VERSION_ATTEMPTS;
          if (!retry) throw error;
        }
      }
    },
    readStream: (streamId) => readStreamEvents(db, streamId),
    readAll: (readOptions) => readLog(db, readOptions),
  };
}
