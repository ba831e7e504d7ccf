// WeChat's session_key, the newest per (appId, openid). It decrypts the legacy user-info
// payload, so it stays server-side: never in an event, an answer, a token or a log line.

import type { Queryable } from '../store/database.js';

export async function forgetSessionKey(q: Queryable, appId: string, openid: string): Promise<void> {
  await q.query('DELETE FROM session_keys WHERE app_id = $1 AND openid = $2', [appId, openid]);
}

export class SessionKeys {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Overwrites the key: each login may rotate it, and only the newest one decrypts. */
  async save(appId: string, openid: string, sessionKey: string, q: Queryable = this.#db): Promise<void> {
    await q.query(
      `INSERT INTO session_keys (app_id, openid, session_key, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (app_id, openid) DO UPDATE SET session_key = excluded.session_key, updated_at = excluded.updated_at`,
      [appId, openid, sessionKey],
    );
  }

  async get(appId: string, openid: string): Promise<string | null> {
    const { rows } = await this.#db.query<{ session_key: string }>(
      'SELECT session_key FROM session_keys WHERE app_id = $1 AND openid = $2',
      [appId, openid],
    );
    return rows[0]?.session_key ?? null;
  }

  forget(appId: string, openid: string): Promise<void> {
    return forgetSessionKey(this.#db, appId, openid);
  }
}
