// Typed failures of the store, with stable codes; none of them carries SQL or a secret.

import { AppError } from '../errors.js';

/** PostgreSQL's SQLSTATE and constraint of a driver error (both drivers expose them). */
export function sqlStateOf(error: unknown): { code?: string; constraint?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
}

export type ExpectedVersion = number | 'no_stream' | 'any';

export type StoreErrorCode =
  | 'CONCURRENCY_CONFLICT'
  | 'DATABASE_UNAVAILABLE'
  | 'DATABASE_LOCKED'
  | 'PGLITE_IN_PRODUCTION'
  | 'INVALID_DATABASE_CONFIG'
  | 'DATABASE_DRIVER_MISSING';

/** An append found the stream at another version than the caller decided on: nothing was written. */
export class ConcurrencyError extends AppError<'CONCURRENCY_CONFLICT'> {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** The version found, when the check saw it (a unique-index race does not tell). */
  readonly actualVersion: number | undefined;

  constructor(streamId: string, expectedVersion: ExpectedVersion, actualVersion?: number, cause?: unknown) {
    super('CONCURRENCY_CONFLICT', 'Someone else changed this record at the same moment; try again.', { retryable: true, cause });
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

export function isConcurrencyError(value: unknown): value is ConcurrencyError {
  return value instanceof ConcurrencyError;
}

/** The database cannot be reached or used right now (down, restarting, out of connections). */
export class DatabaseUnavailableError extends AppError<'DATABASE_UNAVAILABLE'> {
  constructor(cause?: unknown) {
    super('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly.', { retryable: true, retryAfterSeconds: 1, cause });
  }
}

// PostgreSQL SQLSTATEs meaning "cannot reach or use the database right now", not a bug.
const UNAVAILABLE_STATES = /^(08...|53300|57P0[1-3])$/;

/** A driver's failure that means the database is away (connection refused, lost, shutting down). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code } = sqlStateOf(error);
  return code !== undefined && (UNAVAILABLE_STATES.test(code) || code === 'ECONNREFUSED');
}

/** PGlite is one connection inside one process: fine for `npm start`, wrong for production. */
export class PgliteInProductionError extends AppError<'PGLITE_IN_PRODUCTION'> {
  constructor() {
    super(
      'PGLITE_IN_PRODUCTION',
      'DATABASE_URL points at embedded PGlite, which is refused with NODE_ENV=production: set DATABASE_URL to a postgres:// URL.',
    );
  }
}

/** Two processes writing one PGlite directory would corrupt it. */
export class DatabaseLockedError extends AppError<'DATABASE_LOCKED'> {
  readonly directory: string;
  readonly pid: number;

  constructor(directory: string, pid: number) {
    super(
      'DATABASE_LOCKED',
      `The PGlite directory ${directory} is in use by process ${pid}. Stop that process, or point DATABASE_URL at another directory.`,
    );
    this.directory = directory;
    this.pid = pid;
  }
}

export class InvalidDatabaseConfigError extends AppError<'INVALID_DATABASE_CONFIG'> {
  constructor(message: string) {
    super('INVALID_DATABASE_CONFIG', message);
  }
}

/** The package that talks to each kind of database; each is an optional peer dependency. */
export const DATABASE_DRIVERS = { pg: 'pg', pglite: '@electric-sql/pglite' } as const;

/** DATABASE_URL names a kind of database whose driver package is not installed. */
export class DatabaseDriverMissingError extends AppError<'DATABASE_DRIVER_MISSING'> {
  readonly packageName: string;

  constructor(kind: keyof typeof DATABASE_DRIVERS, cause?: unknown) {
    const packageName = DATABASE_DRIVERS[kind];
    const what = kind === 'pg' ? 'PostgreSQL (postgres://…)' : 'embedded PGlite (a directory or memory)';
    super(
      'DATABASE_DRIVER_MISSING',
      `DATABASE_URL names ${what}, whose driver is not installed: \`npm install ${packageName}\`${kind === 'pglite' ? ', or set DATABASE_URL to a postgres:// URL' : ''}.`,
      { cause },
    );
    this.packageName = packageName;
  }
}
