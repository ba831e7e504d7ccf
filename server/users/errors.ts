// Why the user decider refuses a command.

import { AppError } from '../errors.js';

export type UserErrorCode = 'USER_NOT_FOUND' | 'USER_ERASED' | 'VALIDATION_FAILED' | 'PHONE_NUMBER_TAKEN';

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

/** The number is bound to another person, and the policy (PHONE_CONFLICT) does not merge them. */
export class PhoneNumberTakenError extends AppError<'PHONE_NUMBER_TAKEN'> {
  constructor() {
    super('PHONE_NUMBER_TAKEN', 'This phone number is already bound to another account.');
  }
}
