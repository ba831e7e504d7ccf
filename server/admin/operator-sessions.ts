// Operators' sessions in `admin_sessions`: the cookie carries a random token, the table keeps
// its SHA-256 only, with the CSRF token bound to the session and the expiry.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../store/database.js';

export interface OperatorSession {
  operator: string;
  csrfToken: string;
  expiresAt: Date;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class OperatorSessions {
  constructor(
    private readonly db: Database,
    private readonly ttlSeconds: number,
    private readonly clock: () => number,
  ) {}

  /** A new session; the token goes in the cookie and nowhere else. */
  async open(operator: string): Promise<{ token: string; session: OperatorSession }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const session = { operator, csrfToken: randomBytes(32).toString('base64url'), expiresAt: new Date(now + this.ttlSeconds * 1000) };
    await this.db.query(
      'INSERT INTO admin_sessions (token_hash, operator, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [hashOf(token), operator, session.csrfToken, new Date(now).toISOString(), session.expiresAt.toISOString()],
    );
    // Expired sessions go when someone signs in: the table stays as small as the team.
    await this.db.query('DELETE FROM admin_sessions WHERE expires_at < $1', [new Date(now).toISOString()]);
    return { token, session };
  }

  /** The live session of a cookie's token, or null. */
  async find(token: string | undefined): Promise<OperatorSession | null> {
    if (token === undefined || !TOKEN.test(token)) return null;
    const { rows } = await this.db.query<{ operator: string; csrf_token: string; expires_at: Date | string }>(
      'SELECT operator, csrf_token, expires_at FROM admin_sessions WHERE token_hash = $1 AND expires_at > $2',
      [hashOf(token), new Date(this.clock()).toISOString()],
    );
    const row = rows[0];
    return row ? { operator: row.operator, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) } : null;
  }

  async close(token: string): Promise<void> {
    await this.db.query('DELETE FROM admin_sessions WHERE token_hash = $1', [hashOf(token)]);
  }
}

/** Whether a request's CSRF header is the session's token (in constant time). */
export function csrfMatches(session: OperatorSession, header: string | undefined): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(session.csrfToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
