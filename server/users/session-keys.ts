// The login provider's session secret (WeChat's session_key), the newest per (appId, openid).
// It decrypts the legacy user-info payload, so it stays server-side: never in an event, an
// answer, a token or a log line.

import type { AppendPart } from '../store/append.js';
import type { Queryable } from '../store/database.js';

// Overwrites the key: each login may rotate it, and only the newest one decrypts.
const upsertSessionKey = (appId: string, openid: string, sessionKey: string, when = 'true') => `
INSERT INTO session_keys (app_id, openid, session_key, updated_at)
SELECT ${appId}, ${openid}, ${sessionKey}, now() WHERE ${when}
ON CONFLICT (app_id, openid) DO UPDATE SET session_key = excluded.session_key, updated_at = excluded.updated_at`;

const deleteSessionKey = (appId: string, openid: string, when = 'true') =>
  `DELETE FROM session_keys WHERE app_id = ${appId} AND openid = ${openid} AND ${when}`;

/** Keeps the login's session_key in the statement that appends its events (appendWithParts). */
export function saveSessionKeyPart(appId: string, openid: string, sessionKey: string): AppendPart {
  return {
    sql: (param, when) => upsertSessionKey(param(appId, 'text'), param(openid, 'text'), param(sessionKey, 'text'), when),
  };
}

/** Forgets the session_key of the user whose row the statement writes (`snapshot`), with its events. */
export function forgetSessionKeyPart(): AppendPart {
  return {
    sql: (_param, when) =>
      `DELETE FROM session_keys k USING snapshot u WHERE k.app_id = u.app_id AND k.openid = u.openid AND ${when}`,
  };
}

export class SessionKeys {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async save(appId: string, openid: string, sessionKey: string): Promise<void> {
    await this.#db.query(upsertSessionKey('$1::text', '$2::text', '$3::text'), [appId, openid, sessionKey]);
  }

  async get(appId: string, openid: string): Promise<string | null> {
    const { rows } = await this.#db.query<{ session_key: string }>(
      'SELECT session_key FROM session_keys WHERE app_id = $1 AND openid = $2',
      [appId, openid],
    );
    return rows[0]?.session_key ?? null;
  }

  async forget(appId: string, openid: string): Promise<void> {
    await this.#db.query(deleteSessionKey('$1::text', '$2::text'), [appId, openid]);
  }
}
