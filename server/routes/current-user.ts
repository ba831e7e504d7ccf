// The signed-in user's row behind a verified token.

import type { AuthenticatedUser } from '../auth/auth-hook.js';
import { TokenError } from '../errors.js';
import type { UserRow } from '../users/index.js';
import type { RouteServices } from './services.js';

/** The row behind a verified token; an erased or vanished user's token is revoked. */
export async function currentUser(services: RouteServices, user: AuthenticatedUser): Promise<UserRow> {
  const row = await services.users.findById(user.id);
  if (row === null || row.erasedAt !== null) throw new TokenError('TOKEN_REVOKED');
  return row;
}
