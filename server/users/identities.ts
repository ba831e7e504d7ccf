// The `user_identities` lookup (which person an (app, openid) logs in as) and the other
// lookups that link and merge persons. The table is written by parts of the statement that
// appends the event linking or moving an identity, so it commits with the event, and is
// recomputed from `users.identities` by a rebuild.

import type { AppendPart } from '../store/append.js';
import type { Queryable } from '../store/database.js';
import { sqlStateOf } from '../store/errors.js';
import type { LoginResolution } from './commands.js';
import { userIdFor } from './identity.js';

const appendedAny = (types: readonly string[]) =>
  `EXISTS (SELECT 1 FROM appended WHERE type IN (${types.map((type) => `'${type}'`).join(', ')}))`;

/**
 * A login's identity, kept for its person when the statement registers or links it. A plain
 * insert: an identity another person holds meanwhile fails the statement (see isClaimTaken).
 */
export function identityPart(appId: string, openid: string, userId: string): AppendPart {
  return {
    sql: (param, when) =>
      `INSERT INTO user_identities (app_id, openid, user_id) SELECT ${param(appId, 'text')}, ${param(openid, 'text')}, ${param(userId, 'uuid')} ` +
      `WHERE ${when} AND ${appendedAny(['UserRegistered', 'IdentityLinked'])}`,
  };
}

/** The absorbed person's identities log in as the survivor, from the statement of UserMerged. */
export function moveIdentitiesPart(from: string, into: string): AppendPart {
  return {
    sql: (param, when) =>
      `UPDATE user_identities SET user_id = ${param(into, 'uuid')} WHERE user_id = ${param(from, 'uuid')} AND ${when} AND ${appendedAny(['UserMerged'])}`,
  };
}

/** Erasure: the session secret of every identity of the person, and the identities, go. */
export function releaseIdentitiesParts(userId: string): AppendPart[] {
  return [
    {
      sql: (param, when) =>
        `DELETE FROM session_keys k USING user_identities i WHERE i.user_id = ${param(userId, 'uuid')} ` +
        `AND k.app_id = i.app_id AND k.openid = i.openid AND ${when} AND ${appendedAny(['UserErased'])}`,
    },
    {
      sql: (param, when) => `DELETE FROM user_identities WHERE user_id = ${param(userId, 'uuid')} AND ${when} AND ${appendedAny(['UserErased'])}`,
    },
  ];
}

const CLAIMS = new Set(['user_identities_pkey', 'users_unionid_claimed', 'users_phone_claimed']);

/**
 * The statement met another person's claim: an identity, a unionid or a number held by a
 * live person since the decision was made (another process won the race). Decide again.
 */
export function isClaimTaken(error: unknown): boolean {
  const { code, constraint } = sqlStateOf(error);
  return code === '23505' && constraint !== undefined && CLAIMS.has(constraint);
}

/** A deadlock or serialization failure of a transaction that writes two persons: try again. */
export function isTransactionRace(error: unknown): boolean {
  const { code } = sqlStateOf(error);
  return code === '40P01' || code === '40001';
}

/**
 * Where a login goes when its own stream cannot decide it: the person the identity is linked
 * to, else the earliest live holder of the unionid, else its own stream; and the live holder
 * of the unionid to merge with when that is another person than the linked one.
 */
export async function resolveLogin(q: Queryable, appId: string, openid: string, unionid: string | undefined): Promise<LoginResolution> {
  const { rows } = await q.query<{ linked: string | null; holder: string | null }>(
    `WITH linked AS (SELECT user_id FROM user_identities WHERE app_id = $1 AND openid = $2)
     SELECT (SELECT user_id FROM linked) AS linked,
            (SELECT id FROM users WHERE $3::text IS NOT NULL AND unionid = $3::text AND erased_at IS NULL AND merged_into IS NULL
               AND id IS DISTINCT FROM (SELECT user_id FROM linked)
             ORDER BY created_at, id LIMIT 1) AS holder`,
    [appId, openid, unionid ?? null],
  );
  const { linked, holder } = rows[0] ?? { linked: null, holder: null };
  if (linked !== null) return { target: linked, ...(holder !== null ? { mergeWith: holder } : {}) };
  return { target: holder ?? userIdFor(appId, openid) };
}

/** Another live person holding the number, if any. */
export async function phoneHolder(q: Queryable, userId: string, phone: string, countryCode: string): Promise<{ userId: string; unionid: string | null } | null> {
  const { rows } = await q.query<{ id: string; unionid: string | null }>(
    `SELECT id, unionid FROM users WHERE phone = $1 AND phone_country_code = $2 AND erased_at IS NULL AND merged_into IS NULL AND id <> $3::uuid
     ORDER BY created_at, id LIMIT 1`,
    [phone.trim(), countryCode.trim(), userId],
  );
  return rows[0] ? { userId: rows[0].id, unionid: rows[0].unionid } : null;
}

/** Every person merged into this one, directly or through a person merged into it. */
export async function absorbedInto(q: Queryable, userId: string): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `WITH RECURSIVE absorbed AS (
       SELECT id FROM users WHERE merged_into = $1::uuid
       UNION SELECT u.id FROM users u JOIN absorbed a ON u.merged_into = a.id)
     SELECT id FROM absorbed ORDER BY id`,
    [userId],
  );
  return rows.map((row) => row.id);
}

/** Recomputes the lookup from the persons' rows (after a rebuild of `users`). */
export async function rebuildIdentities(q: Queryable): Promise<void> {
  await q.query('LOCK TABLE user_identities IN SHARE ROW EXCLUSIVE MODE');
  await q.query('DELETE FROM user_identities');
  await q.query(
    `INSERT INTO user_identities (app_id, openid, user_id)
     SELECT i."appId", i.openid, u.id FROM users u, jsonb_to_recordset(u.identities) AS i("appId" text, openid text)
     WHERE u.erased_at IS NULL AND u.merged_into IS NULL`,
  );
}
