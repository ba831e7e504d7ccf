// Why the user decider refuses a command.

import { AppError } from '../errors.js';

export class UserNotFoundError extends AppError {
  readonly userId: string;
  constructor(userId: string) {
    super({ statusCode: 404, error: 'USER_NOT_FOUND', message: 'There is no such user; sign in again.' });
    this.userId = userId;
  }
}

/** The user erased their account; only a new login (which registers afresh) brings it back. */
export class UserErasedError extends AppError {
  readonly userId: string;
  constructor(userId: string) {
    super({
      statusCode: 410,
      error: 'USER_ERASED',
      message: 'This account was erased; sign in again to start a new one.',
    });
    this.userId = userId;
  }
}

export class InvalidUserDataError extends AppError {
  constructor(field: string, message: string) {
    super({ statusCode: 400, error: 'VALIDATION_FAILED', message, field });
  }
}
