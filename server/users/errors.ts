// Why the user decider refuses a command.

import { AppError } from '../errors.js';

export type UserErrorCode = 'USER_NOT_FOUND' | 'USER_ERASED' | 'VALIDATION_FAILED';

export class UserNotFoundError extends AppError<'USER_NOT_FOUND'> {
  readonly userId: string;
  constructor(userId: string) {
    super('USER_NOT_FOUND', 'There is no such user; sign in again.');
    this.userId = userId;
  }
}

/** The user erased their account; only a new login (which registers afresh) brings it back. */
export class UserErasedError extends AppError<'USER_ERASED'> {
  readonly userId: string;
  constructor(userId: string) {
    super('USER_ERASED', 'This account was erased; sign in again to start a new one.');
    this.userId = userId;
  }
}

export class InvalidUserDataError extends AppError<'VALIDATION_FAILED'> {
  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', message, { field });
  }
}
