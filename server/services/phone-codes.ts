// A phone-number code is sent to WeChat once. WeChat charged for the number when the button
// succeeded; a second exchange of the same code only fails (40029), so a resent code (a retry,
// a double tap, another process) is refused here before it reaches WeChat. A claim is given
// back only when WeChat never looked at the code (busy, unreachable), so the same code may be
// tried again instead of paying for a new one.

import { createHash } from 'node:crypto';
import type { Queryable } from '../store/database.js';

/** A phone code lives 5 minutes at WeChat; its claim is kept twice as long. */
const CLAIM_LIFETIME_MS = 10 * 60_000;
const PURGE_EVERY_MS = 60_000;

export interface PhoneCodes {
  /** True when this request may exchange the code; false when it was sent already. */
  claim(appId: string, code: string, userId: string): Promise<boolean>;
  release(appId: string, code: string): Promise<void>;
}

/** Only a hash of the code is stored: a row must not be a usable credential. */
const hashOf = (appId: string, code: string): string =>
  createHash('sha256').update(`miniauth.phone-code\0${appId}\0${code}`).digest('base64url');

export function createPhoneCodes(db: Queryable, clock: () => number): PhoneCodes {
  let purgedAt = 0;
  return {
    async claim(appId, code, userId) {
      const now = clock();
      if (now - purgedAt >= PURGE_EVERY_MS) {
        purgedAt = now;
        await db.query('DELETE FROM phone_codes WHERE claimed_at < $1::timestamptz', [new Date(now - CLAIM_LIFETIME_MS).toISOString()]);
      }
      const { rows } = await db.query(
        'INSERT INTO phone_codes (code_hash, user_id, claimed_at) VALUES ($1, $2::uuid, $3::timestamptz) ON CONFLICT (code_hash) DO NOTHING RETURNING code_hash',
        [hashOf(appId, code), userId, new Date(now).toISOString()],
      );
      return rows.length === 1;
    },
    async release(appId, code) {
      await db.query('DELETE FROM phone_codes WHERE code_hash = $1', [hashOf(appId, code)]);
    },
  };
}
