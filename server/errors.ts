// The failure every layer below the routes throws: a stable UPPER_SNAKE `code` (the `error` of
// the answer a client sees), a message written for people, and what a caller may do about it.
// No HTTP here: one table beside the error handler (routes/error-answers.ts) gives each code
// its status and answer body.

export interface AppErrorDetails {
  /** Whether sending the same request again (after a wait) may succeed. */
  retryable?: boolean;
  retryAfterSeconds?: number;
  /** WeChat's errcode (server API) or the open-data SDK code (-41001..-41003). */
  errcode?: number;
  /** WeChat's trace id, taken from errmsg (`…, rid: xxx`); WeChat support asks for it. */
  rid?: string;
  /** The request field at fault, e.g. `body.code`. */
  field?: string;
  cause?: unknown;
}

export class AppError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly errcode: number | undefined;
  readonly rid: string | undefined;
  readonly field: string | undefined;

  constructor(code: Code, message: string, details: AppErrorDetails = {}) {
    // Error keeps `cause` non-enumerable, so serialisers and loggers do not walk into it.
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = details.retryable ?? false;
    this.retryAfterSeconds = details.retryAfterSeconds === undefined ? undefined : Math.max(1, Math.ceil(details.retryAfterSeconds));
    this.errcode = details.errcode;
    this.rid = details.rid;
    this.field = details.field;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** A field is missing, of the wrong type, too long or otherwise invalid. */
export class ValidationError extends AppError<'VALIDATION_FAILED'> {
  constructor(field: string | undefined, message: string) {
    super('VALIDATION_FAILED', message, field ? { field } : {});
  }
}

/** Too many requests of one kind from one person or address: wait, then try again. */
export class RateLimitedError extends AppError<'RATE_LIMITED'> {
  constructor(retryAfterSeconds: number, message?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('RATE_LIMITED', message ?? `Too many requests; try again in ${seconds} s.`, { retryable: true, retryAfterSeconds: seconds });
  }
}

/**
 * Whether `error` is Node's "Cannot find package '<name>'": the server's packages are optional
 * peer dependencies of miniauth (a client-only install pulls nothing but xstate), so a
 * dynamic import of one that is not installed fails with it.
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes(`'${name}'`);
}
