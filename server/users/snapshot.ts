// What a user command decides from, read in one query: the stream's version, its personal-data
// key, and the `users` row, which is the fold of the stream up to `users.stream_version`
// (written in the same statement as the events: see handler.ts). When that version is the
// stream's, the row is the state and the events need not be read: a login costs the same on
// the thousandth visit as on the first. When it is not (a row from before the column, a stream
// written without the projection), the stream is read and folded, as it always may be.

import type { Queryable } from '../store/database.js';
import type { UserState } from './decider.js';
import { readUserStream, type PersonalDataKey } from './personalData.js';
import { evolveUserRow, fromRecord, USER_COLUMNS, type UserRecord, type UserRow } from './usersProjection.js';

export interface UserSnapshot {
  /** The position of the stream's last event; 0 when the stream does not exist. */
  version: number;
  /** The stream's current key, if it has one. */
  key: PersonalDataKey | undefined;
  /** The users row at `version` (null: never registered). */
  row: UserRow | null;
  /** Where the row came from: the users table as it was, or a fold of the stream. */
  from: 'row' | 'stream';
}

interface SnapshotRow extends Partial<UserRecord> {
  version: string | number;
  pd_key_id: string | null;
  pd_secret: Uint8Array | null;
  stream_version: string | number | null;
}

const SNAPSHOT_SQL = `
SELECT s.version, k.key_id AS pd_key_id, k.secret AS pd_secret, u.stream_version,
       ${USER_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}
FROM (SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = $1) s
LEFT JOIN personal_data_keys k ON k.subject = $1
LEFT JOIN users u ON u.id = $2::uuid`;

export async function readUserSnapshot(q: Queryable, userId: string, streamId: string): Promise<UserSnapshot> {
  const { rows } = await q.query<SnapshotRow>(SNAPSHOT_SQL, [streamId, userId], { name: 'miniauth_user_snapshot' });
  const found = rows[0]!;
  const version = Number(found.version);
  const rowVersion = found.stream_version === null ? null : Number(found.stream_version);
  const hasRow = found.id !== null && found.id !== undefined;
  // A key may exist before any event: an attempt that created it lost its append.
  const key = found.pd_key_id && found.pd_secret ? { keyId: found.pd_key_id, secret: Buffer.from(found.pd_secret) } : undefined;
  if (version === 0 && !hasRow) return { version, key, row: null, from: 'row' };
  if (hasRow && rowVersion === version) return { version, key, row: fromRecord(found as UserRecord), from: 'row' };
  const stream = await readUserStream(q, streamId);
  return {
    version: stream.version,
    key: stream.key,
    row: stream.events.reduce(evolveUserRow, null),
    from: 'stream',
  };
}

/** The decider's state, from the users row (the fold of the same events). */
export function stateFromRow(row: UserRow | null): UserState {
  if (row === null) return { status: 'unknown' };
  const { id: userId, appId, openid, tokenVersion } = row;
  if (row.erasedAt !== null) return { status: 'erased', userId, appId, openid, tokenVersion };
  return {
    status: 'active',
    userId,
    appId,
    openid,
    unionid: row.unionid,
    nickname: row.nickname,
    avatarUrl: row.avatarUrl,
    phone: row.phone,
    countryCode: row.phoneCountryCode,
    tokenVersion,
  };
}
