// Idempotent login per wx.login code. WeChat exchanges a code once (a second try is errcode
// 40163), but clients resend: a retry after a timeout, a double tap, a load balancer sending
// the retry to another process. The first request for a code claims a row in `login_codes`;
// every later request for it, on any process, waits for that outcome and replays it.

import { createHash } from 'node:crypto';
import type { AppendPart } from '../store/append.js';
import type { Queryable } from '../store/database.js';
import { USER_COLUMNS, type UserRegistered } from '../users/index.js';

const REGISTERED: UserRegistered['type'] = 'UserRegistered';

/** A wx.login code lives 5 minutes; its outcome is kept as long. */
export const CODE_LIFETIME_MS = 5 * 60_000;

/** What the first request for a code decided, replayed to its retries. */
export interface CodeOutcome {
  userId: string;
  isNew: boolean;
  /** The user's token version at that login: a revocation since then ends the replays. */
  tokenVersion: number;
}

export type CodeClaim =
  | { kind: 'claimed' }
  | { kind: 'pending' }
  | { kind: 'done'; outcome: CodeOutcome };

export interface LoginCodes {
  /** Claims the code for this request, or tells what another request made of it. */
  claim(appId: string, codeHash: string): Promise<CodeClaim>;
  /**
   * Records the outcome in the statement that stores the login's events: the user, whether
   * they registered, and their token version, read from what that statement wrote.
   */
  completePart(appId: string, codeHash: string): AppendPart;
  /** The claimant failed: let a retry try the code itself. */
  release(appId: string, codeHash: string): Promise<void>;
}

/** Only a hash of the code is stored: a row must not be a usable credential. */
export function hashLoginCode(appId: string, code: string): string {
  return createHash('sha256').update(`miniauth.code\0${appId}\0${code}`).digest('base64url');
}

interface ClaimRow {
  claimed: boolean;
  user_id: string | null;
  is_new: boolean | null;
  token_version: number | null;
}

// Claims a new code, or an expired row of a reused hash; otherwise reads the existing row.
const CLAIM_SQL = `
WITH claimed AS (
  INSERT INTO login_codes (app_id, code_hash, expires_at) VALUES ($1, $2, $3::timestamptz)
  ON CONFLICT (app_id, code_hash) DO UPDATE
    SET user_id = NULL, is_new = NULL, token_version = NULL, expires_at = excluded.expires_at
    WHERE login_codes.expires_at <= $4::timestamptz
  RETURNING true AS claimed
)
SELECT claimed, NULL::uuid AS user_id, NULL::boolean AS is_new, NULL::integer AS token_version FROM claimed
UNION ALL
SELECT false, user_id::uuid, is_new, token_version FROM login_codes
WHERE app_id = $1 AND code_hash = $2 AND NOT EXISTS (SELECT 1 FROM claimed)`;

const PURGE_EVERY_MS = 60_000;

export function createLoginCodes(db: Queryable, clock: () => number): LoginCodes {
  let purgedAt = 0;

  async function purgeExpired(now: number): Promise<void> {
    if (now - purgedAt < PURGE_EVERY_MS) return;
    purgedAt = now;
    await db.query('DELETE FROM login_codes WHERE expires_at < $1::timestamptz', [new Date(now).toISOString()]);
  }

  return {
    async claim(appId, codeHash) {
      const now = clock();
      await purgeExpired(now);
      const expiresAt = new Date(now + CODE_LIFETIME_MS).toISOString();
      const { rows } = await db.query<ClaimRow>(CLAIM_SQL, [appId, codeHash, expiresAt, new Date(now).toISOString()], {
        name: 'miniauth_claim_login_code',
      });
      const row = rows[0];
      if (row?.claimed) return { kind: 'claimed' };
      // No row at all: another request claimed it after this statement's snapshot was taken.
      if (!row || row.user_id === null || row.is_new === null || row.token_version === null) return { kind: 'pending' };
      return { kind: 'done', outcome: { userId: row.user_id, isNew: row.is_new, tokenVersion: Number(row.token_version) } };
    },

    completePart(appId, codeHash) {
      return {
        sql: (param, when) =>
          `UPDATE login_codes SET user_id = u.${USER_COLUMNS.id.name}, token_version = u.${USER_COLUMNS.tokenVersion.name}, ` +
          `is_new = EXISTS (SELECT 1 FROM appended WHERE type = ${param(REGISTERED, 'text')}) ` +
          `FROM snapshot u WHERE login_codes.app_id = ${param(appId, 'text')} AND login_codes.code_hash = ${param(codeHash, 'text')} AND ${when}`,
      };
    },

    async release(appId, codeHash) {
      await db.query('DELETE FROM login_codes WHERE app_id = $1 AND code_hash = $2 AND user_id IS NULL', [appId, codeHash]);
    },
  };
}
