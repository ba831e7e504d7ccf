// How a failed command tells a person what went wrong: a line or two on stderr that say what to
// change, and an exit code (2: the command line is wrong, 1: the work failed). A stack trace is
// printed only for errors nobody foresaw, as those are bugs to report.

import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import { DatabaseLockedError } from '../store/index.js';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './command.js';
import { NotMigratedError } from './configured-database.js';

interface SystemError extends Error {
  code: string;
  syscall?: string;
  address?: string;
  port?: number;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as Partial<SystemError>).code === 'string' && typeof (error as Partial<SystemError>).syscall === 'string';
}

// node-postgres errors carry the server's SQLSTATE and severity.
function isPostgresError(error: unknown): error is Error & { code: string; severity: string } {
  return error instanceof Error && typeof (error as { severity?: unknown }).severity === 'string' && /^[0-9A-Z]{5}$/.test(String((error as { code?: unknown }).code));
}

/** Lines to print for a failure, and the exit code. */
export function describeFailure(command: string, error: unknown): { lines: string[]; exitCode: number } {
  const prefix = `miniauth ${command}:`;
  if (error instanceof UsageError) {
    return { lines: [`${prefix} ${error.message}`, `Run "miniauth ${command} --help" for usage.`], exitCode: EXIT_USAGE };
  }
  if (error instanceof ConfigError) {
    const lines = [`${prefix} the configuration in the environment is invalid (see "miniauth serve --help"):`];
    return { lines: [...lines, ...error.problems.map((problem) => `  ${problem}`)], exitCode: EXIT_FAILURE };
  }
  if (error instanceof DatabaseLockedError) {
    return {
      lines: [
        `${prefix} the PGlite directory ${error.directory} is held by another process (pid ${error.pid}), probably another miniauth.`,
        '  Stop that process, or set DATABASE_URL to another directory (or to postgres://… for several processes).',
      ],
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof AppError || error instanceof NotMigratedError) {
    return { lines: [`${prefix} ${error.message}`], exitCode: EXIT_FAILURE };
  }
  if (isSystemError(error) && error.code === 'EADDRINUSE') {
    const where = error.port === undefined ? 'the address' : `${error.address ?? ''}:${error.port}`;
    return { lines: [`${prefix} ${where} is already in use (another server running?); set PORT, or SIM_PORT for the simulator.`], exitCode: EXIT_FAILURE };
  }
  if (isSystemError(error)) {
    const where = error.port === undefined ? '' : ` ${error.address ?? ''}:${error.port}`;
    return { lines: [`${prefix} ${error.syscall}${where} failed (${error.code}); is the database (DATABASE_URL) reachable?`], exitCode: EXIT_FAILURE };
  }
  // A connection refused on a name with several addresses (localhost: ::1 and 127.0.0.1).
  if (error instanceof AggregateError && typeof (error as { code?: unknown }).code === 'string') {
    return { lines: [`${prefix} cannot connect (${String((error as { code?: unknown }).code)}); is the database (DATABASE_URL) reachable?`], exitCode: EXIT_FAILURE };
  }
  if (isPostgresError(error)) {
    return { lines: [`${prefix} PostgreSQL said: ${error.message} (${error.code})`], exitCode: EXIT_FAILURE };
  }
  const stack = error instanceof Error && error.stack ? error.stack : String(error);
  return { lines: [`${prefix} unexpected error (a bug: please report it with what follows)`, stack], exitCode: EXIT_FAILURE };
}
