// The `users` table: a projection of the user streams, updated inline in the append's
// transaction and rebuildable from the log. Every value comes from event data (never now()),
// so a rebuild equals the live table.

import type { AppendPart } from '../store/append.js';
import type { Database, Queryable } from '../store/database.js';
import type { RecordedEvent } from '../store/events.js';
import { rebuildInlineProjection, type Projection } from '../store/projections.js';
import type { UserEvent, UserEventType } from './events.js';
import { openUserEvents } from './personalData.js';

export interface UserRow {
  id: string;
  appId: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
  /** Without the country code (WeChat's purePhoneNumber). */
  phone: string | null;
  phoneCountryCode: string | null;
  tokenVersion: number;
  createdAt: Date;
  lastLoginAt: Date | null;
  loginCount: number;
  erasedAt: Date | null;
}

/** The events this projection reads; the others never reach it. */
export const USERS_PROJECTION_EVENTS: readonly UserEventType[] = [
  'UserRegistered',
  'UserLoggedIn',
  'ProfileUpdated',
  'PhoneNumberBound',
  'SessionsRevoked',
  'UserErased',
];

export function evolveUserRow(row: UserRow | null, event: UserEvent): UserRow | null {
  if (event.type === 'UserRegistered') {
    const { userId, appId, openid, unionid, at } = event.data;
    // A user back after erasure starts empty, but keeps the token version (old tokens stay dead).
    return {
      id: userId,
      appId,
      openid,
      unionid: unionid ?? null,
      nickname: null,
      avatarUrl: null,
      phone: null,
      phoneCountryCode: null,
      tokenVersion: row?.tokenVersion ?? 0,
      createdAt: new Date(at),
      lastLoginAt: null,
      loginCount: 0,
      erasedAt: null,
    };
  }
  if (!row) return null; // no registration seen: nothing to update
  switch (event.type) {
    case 'UserLoggedIn':
      return {
        ...row,
        unionid: event.data.unionid ?? row.unionid,
        lastLoginAt: new Date(event.data.at),
        loginCount: row.loginCount + 1,
      };
    case 'ProfileUpdated':
      return { ...row, nickname: event.data.nickname ?? row.nickname, avatarUrl: event.data.avatarUrl ?? row.avatarUrl };
    case 'PhoneNumberBound':
      return {
        ...row,
        phone: event.data.phone ?? row.phone,
        phoneCountryCode: event.data.countryCode ?? row.phoneCountryCode,
      };
    case 'SessionsRevoked':
      return { ...row, tokenVersion: event.data.tokenVersion };
    case 'UserErased':
      return {
        ...row,
        unionid: null,
        nickname: null,
        avatarUrl: null,
        phone: null,
        phoneCountryCode: null,
        tokenVersion: event.data.tokenVersion,
        erasedAt: new Date(event.data.at),
      };
    default: {
      const unknown: never = event;
      throw new TypeError(`Unknown user event ${(unknown as { type: string }).type}`);
    }
  }
}

export interface UserRecord {
  id: string;
  app_id: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatar_url: string | null;
  phone: string | null;
  phone_country_code: string | null;
  token_version: number;
  created_at: Date | string;
  last_login_at: Date | string | null;
  login_count: number;
  erased_at: Date | string | null;
}

export const USER_COLUMNS =
  'id, app_id, openid, unionid, nickname, avatar_url, phone, phone_country_code, token_version, ' +
  'created_at, last_login_at, login_count, erased_at';

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function fromRecord(record: UserRecord): UserRow {
  return {
    id: record.id,
    appId: record.app_id,
    openid: record.openid,
    unionid: record.unionid,
    nickname: record.nickname,
    avatarUrl: record.avatar_url,
    phone: record.phone,
    phoneCountryCode: record.phone_country_code,
    tokenVersion: Number(record.token_version),
    createdAt: toDate(record.created_at),
    lastLoginAt: record.last_login_at === null ? null : toDate(record.last_login_at),
    loginCount: Number(record.login_count),
    erasedAt: record.erased_at === null ? null : toDate(record.erased_at),
  };
}

/** The row as stored, with the position of the last event folded into it. */
function toRecord(row: UserRow, streamVersion: number): UserRecord & { stream_version: number } {
  return {
    id: row.id,
    app_id: row.appId,
    openid: row.openid,
    unionid: row.unionid,
    nickname: row.nickname,
    avatar_url: row.avatarUrl,
    phone: row.phone,
    phone_country_code: row.phoneCountryCode,
    token_version: row.tokenVersion,
    created_at: row.createdAt.toISOString(),
    last_login_at: row.lastLoginAt?.toISOString() ?? null,
    login_count: row.loginCount,
    erased_at: row.erasedAt?.toISOString() ?? null,
    stream_version: streamVersion,
  };
}

// Every column is overwritten: the row written is always the whole fold.
const ON_CONFLICT_SET = `ON CONFLICT (id) DO UPDATE SET
  app_id = excluded.app_id, openid = excluded.openid, unionid = excluded.unionid,
  nickname = excluded.nickname, avatar_url = excluded.avatar_url, phone = excluded.phone,
  phone_country_code = excluded.phone_country_code, token_version = excluded.token_version,
  created_at = excluded.created_at, last_login_at = excluded.last_login_at,
  login_count = excluded.login_count, erased_at = excluded.erased_at, stream_version = excluded.stream_version`;

const UPSERT_SQL = `
INSERT INTO users (${USER_COLUMNS}, stream_version)
SELECT ${USER_COLUMNS}, stream_version
FROM jsonb_to_recordset($1::jsonb) AS r(
  id uuid, app_id text, openid text, unionid text, nickname text, avatar_url text, phone text,
  phone_country_code text, token_version integer, created_at timestamptz, last_login_at timestamptz,
  login_count integer, erased_at timestamptz, stream_version bigint)
${ON_CONFLICT_SET}`;

// The SQL type of each stored column, for a row placed as parameters.
const COLUMN_TYPES: Record<keyof UserRecord | 'stream_version', string> = {
  id: 'uuid',
  app_id: 'text',
  openid: 'text',
  unionid: 'text',
  nickname: 'text',
  avatar_url: 'text',
  phone: 'text',
  phone_country_code: 'text',
  token_version: 'integer',
  created_at: 'timestamptz',
  last_login_at: 'timestamptz',
  login_count: 'integer',
  erased_at: 'timestamptz',
  stream_version: 'bigint',
};

/**
 * The users row written with a command's events, in the append's statement (appendWithParts):
 * the fold of the stream up to `streamVersion`, only if the events are stored.
 */
export function upsertUserPart(row: UserRow, streamVersion: number): AppendPart {
  const record = toRecord(row, streamVersion);
  return {
    sql(param, when) {
      const columns = Object.keys(COLUMN_TYPES) as (keyof typeof COLUMN_TYPES)[];
      const values = columns.map((column) => param(record[column], COLUMN_TYPES[column]));
      return `INSERT INTO users (${columns.join(', ')}) SELECT ${values.join(', ')} WHERE ${when}\n${ON_CONFLICT_SET}`;
    },
  };
}

async function applyToUsers(tx: Queryable, recorded: readonly RecordedEvent[]): Promise<void> {
  const events = await openUserEvents(tx, recorded);
  const ids = [...new Set(events.map((event) => event.data.userId))];
  const { rows } = await tx.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  const current = new Map<string, UserRow | null>(rows.map((record) => [record.id, fromRecord(record)]));
  const versions = new Map<string, number>();
  events.forEach((event, i) => {
    const id = event.data.userId;
    const next = evolveUserRow(current.get(id) ?? null, event);
    if (next) {
      current.set(id, next);
      versions.set(id, recorded[i]!.streamPosition);
    }
  });
  const records = [...versions].map(([id, version]) => toRecord(current.get(id)!, version));
  if (records.length > 0) await tx.query(UPSERT_SQL, [JSON.stringify(records)]);
}

export const usersProjection: Projection = {
  name: 'users',
  handles: USERS_PROJECTION_EVENTS,
  tables: ['users'],
  apply: applyToUsers,
  async reset(tx) {
    await tx.query('DELETE FROM users');
  },
};

/** Empties `users` and replays every user stream into it; returns the events replayed. */
export function rebuildUsers(db: Database): Promise<number> {
  return rebuildInlineProjection(db, usersProjection);
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const { rows } = await q.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? fromRecord(rows[0]) : null;
}

export async function findUserByOpenid(q: Queryable, appId: string, openid: string): Promise<UserRow | null> {
  const { rows } = await q.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE app_id = $1 AND openid = $2`, [
    appId,
    openid,
  ]);
  return rows[0] ? fromRecord(rows[0]) : null;
}
