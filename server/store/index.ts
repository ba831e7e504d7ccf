export { openDatabase, parseDatabaseUrl } from './open-database.js';
export type { Database, OpenDatabaseOptions, Queryable, QueryResult } from './database.js';
export {
  ConcurrencyError,
  DatabaseDriverMissingError,
  DatabaseLockedError,
  DatabaseUnavailableError,
  InvalidDatabaseConfigError,
  isConcurrencyError,
  isDatabaseUnavailable,
  PgliteInProductionError,
  sqlStateOf,
} from './errors.js';
export type { ExpectedVersion, StoreErrorCode } from './errors.js';
export type { EventMetadata, LogCheckpoint, NewEvent, RecordedEvent } from './events.js';
export { migrate, loadMigrations } from './migrate.js';
export { appendToStream } from './append.js';
export type { AppendPart, AppendResult, Param } from './append.js';
export type { Column, ColumnTable, ColumnType } from './columns.js';
export { readLog, readStream } from './read.js';
export type { LogRead, ReadAllOptions, StreamRead } from './read.js';
export { createEventStore } from './event-store.js';
export type { EventStore, EventStoreOptions, Handled, HandleOptions, WriteOptions } from './event-store.js';
export type { StreamType } from './stream-types.js';
export { countStreamEvents } from './snapshots.js';
export type { RebuildOptions } from './snapshots.js';
export { openEvents } from './sealing.js';
export { catchUpProjection, readCheckpoint, rebuildAsyncProjection } from './projections.js';
export type { Projection } from './projections.js';
