export { openDatabase, parseDatabaseUrl } from './database.js';
export type { Database, OpenDatabaseOptions, Queryable, QueryResult } from './database.js';
export {
  ConcurrencyError,
  DatabaseLockedError,
  InvalidDatabaseConfigError,
  isConcurrencyError,
  PgliteInProductionError,
} from './errors.js';
export type { ExpectedVersion } from './errors.js';
export type { EventMetadata, LogCheckpoint, NewEvent, RecordedEvent } from './events.js';
export { migrate, loadMigrations } from './migrate.js';
export { appendEvents, appendWithParts, DuplicateEventIdError } from './append.js';
export type { AppendEventsOptions, AppendPart, AppendResult, Param } from './append.js';
export { readLog, readStreamEvents } from './read.js';
export type { LogRead, ReadAllOptions, StreamRead } from './read.js';
export { createEventStore } from './eventStore.js';
export type { EventStore, EventStoreOptions } from './eventStore.js';
export {
  applyProjection,
  catchUpProjection,
  readCheckpoint,
  rebuildAsyncProjection,
  rebuildInlineProjection,
} from './projections.js';
export type { Projection } from './projections.js';
