// The console's refusals, as domain errors with string codes (their statuses are in
// routes/error-answers.ts with every other code).

import { AppError } from '../errors.js';

export type AdminErrorCode =
  | 'ADMIN_SIGN_IN_REQUIRED'
  | 'ADMIN_SIGN_IN_FAILED'
  | 'ADMIN_LOCKED_OUT'
  | 'ADMIN_ORIGIN_REFUSED'
  | 'ADMIN_CSRF_INVALID'
  | 'ADMIN_CONFIRMATION_REQUIRED';

export class AdminError extends AppError<AdminErrorCode> {}

/** No session, or an expired or signed-out one. */
export const signInRequired = (): AdminError => new AdminError('ADMIN_SIGN_IN_REQUIRED', 'Sign in to the console first.');

/** The same answer for an unknown name and a wrong password. */
export const signInFailed = (): AdminError => new AdminError('ADMIN_SIGN_IN_FAILED', 'Wrong operator name or password.');

export const lockedOut = (retryAfterSeconds: number): AdminError =>
  new AdminError('ADMIN_LOCKED_OUT', 'Too many failed sign-ins: this operator is locked out for a while.', { retryAfterSeconds });

export const originRefused = (): AdminError =>
  new AdminError('ADMIN_ORIGIN_REFUSED', "This request does not come from the console's own origin.");

export const csrfInvalid = (): AdminError => new AdminError('ADMIN_CSRF_INVALID', 'The request lacks the session’s CSRF token; reload the console.');

export const confirmationRequired = (): AdminError =>
  new AdminError('ADMIN_CONFIRMATION_REQUIRED', "Confirm the action with the person's user id.", { field: 'body.confirm' });
