// Typed failures of the store. They extend the server's AppError so that the one HTTP error
// handler maps them like any other; none of them carries SQL, a secret or a stack to a client.

import { AppError } from '../errors.js';

export type ExpectedVersion = number | 'no_stream' | 'any';

/** An append found the stream at another version than the caller decided on: nothing was written. */
export class ConcurrencyError extends AppError {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** The version found, when the check saw it (a unique-index race does not tell). */
  readonly actualVersion: number | undefined;

  constructor(streamId: string, expectedVersion: ExpectedVersion, actualVersion?: number, cause?: unknown) {
    super({
      statusCode: 409,
      error: 'CONCURRENCY_CONFLICT',
      message: 'Someone else changed this record at the same moment; try again.',
      retryable: true,
      cause,
    });
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

export function isConcurrencyError(value: unknown): value is ConcurrencyError {
  return value instanceof ConcurrencyError;
}

/** PGlite is one connection inside one process: fine for `npm start`, wrong for production. */
export class PgliteInProductionError extends AppError {
  constructor() {
    super({
      statusCode: 500,
      error: 'PGLITE_IN_PRODUCTION',
      message:
        'DATABASE_URL points at embedded PGlite, which is refused with NODE_ENV=production: ' +
        'set DATABASE_URL to a postgres:// URL.',
    });
  }
}

/** Two processes writing one PGlite directory would corrupt it. */
export class DatabaseLockedError extends AppError {
  readonly directory: string;
  readonly pid: number;

  constructor(directory: string, pid: number) {
    super({
      statusCode: 503,
      error: 'DATABASE_LOCKED',
      message:
        `The PGlite directory ${directory} is in use by process ${pid}. ` +
        'Stop that process, or point DATABASE_URL at another directory.',
    });
    this.directory = directory;
    this.pid = pid;
  }
}

export class InvalidDatabaseConfigError extends AppError {
  constructor(message: string) {
    super({ statusCode: 500, error: 'INVALID_DATABASE_CONFIG', message });
  }
}
