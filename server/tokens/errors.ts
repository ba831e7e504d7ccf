// Why a token is refused. Every one of them tells the client its login is gone: drop the token
// and log in again.

import { AppError } from '../errors.js';

export type TokenErrorCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED';

const messages: Record<TokenErrorCode, string> = {
  TOKEN_MISSING: 'Sign in first: no token was sent.',
  TOKEN_INVALID: 'The token is not valid; sign in again.',
  TOKEN_EXPIRED: 'The login has expired; sign in again.',
  TOKEN_REVOKED: 'The login was ended on every device; sign in again.',
};

export class TokenError extends AppError<TokenErrorCode> {
  constructor(code: TokenErrorCode, message = messages[code]) {
    super(code, message);
  }
}
