// Finding a person and reading their history, for operators: by user id, openid or unionid
// (kept in the `users` row as WeChat gives them), or the last digits of a bound phone (an
// index of the reversed number, migration 019). The timeline is the person's audit trail
// (services/audit-trail.ts) with what operators did to them, each WeChat errcode explained.

import { recordFromRow, selectList } from '../store/columns.js';
import type { EventStore } from '../store/event-store.js';
import { readAuditTrail, type AuditEntry } from '../services/audit-trail.js';
import { weChatErrorFor } from '../providers/wechat/errcodes.js';
import { findUserById, USER_COLUMNS, type User } from '../users/index.js';

export type SearchKey = 'userId' | 'openid' | 'unionid' | 'phone';

export const SEARCH_KEYS: readonly SearchKey[] = ['userId', 'openid', 'unionid', 'phone'];

/** The fewest digits of a phone a search takes: fewer would list half the users. */
export const PHONE_DIGITS_MIN = 4;
const FOUND_MAX = 50;

export interface PersonView {
  id: string;
  appId: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
  /** The last four digits only. */
  phone: string | null;
  createdAt: string;
  lastLoginAt: string | null;
  loginCount: number;
  erasedAt: string | null;
  /** Every (app, openid) the person logs in with, as `appId openid`. */
  identities: string;
  /** The person this one was merged into (the same human registered through another app). */
  mergedInto: string | null;
}

export function personView(user: User): PersonView {
  return {
    id: user.id,
    appId: user.appId,
    openid: user.openid,
    unionid: user.unionid,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    phone: user.phone === null ? null : `••••${user.phone.slice(-4)}`,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    loginCount: user.loginCount,
    erasedAt: user.erasedAt?.toISOString() ?? null,
    identities: user.identities.map(({ appId, openid }) => `${appId} ${openid}`).join(', '),
    mergedInto: user.mergedInto,
  };
}

const SELECT_USERS = `SELECT ${selectList(USER_COLUMNS)} FROM users`;
const WHERE: Record<Exclude<SearchKey, 'userId'>, string> = {
  // A linked identity finds its person; the row it registered (a merged or erased one) too.
  openid: '(openid = $1 OR id IN (SELECT user_id FROM user_identities WHERE openid = $1))',
  unionid: 'unionid = $1',
  // Digits only (checked by the caller), so the value has no LIKE wildcard in it.
  phone: "phone IS NOT NULL AND reverse(phone) LIKE reverse($1) || '%'",
};

export async function findPeople(store: EventStore, key: SearchKey, value: string): Promise<User[]> {
  if (key === 'userId') {
    const user = await findUserById(store.db, value);
    return user === null ? [] : [user];
  }
  const { rows } = await store.db.query(`${SELECT_USERS} WHERE ${WHERE[key]} ORDER BY created_at LIMIT ${FOUND_MAX}`, [value]);
  return rows.map((row) => recordFromRow(USER_COLUMNS, row));
}

export interface TimelineEntry {
  position: number;
  type: string;
  at: string;
  /** The event's fields, as read from the log (personal ones while they can be read). */
  details: Record<string, unknown>;
  /** Who did it, when an operator did. */
  operator?: string;
  errcode?: number;
  rid?: string;
  /** What WeChat's errcode means, and our stable reason for it. */
  explanation?: { reason: string; message: string };
  /** A failed login WeChat never said whose it was (a refused code), from around that time. */
  unattributed?: true;
}

/** How far back a timeline shows the app's failed logins that name nobody. */
export const UNATTRIBUTED_WINDOW_MS = 3600_000;

/** WeChat's errcode as our stable reason and a sentence (server/providers/wechat/errcodes.ts). */
export function explainErrcode(errcode: number): { reason: string; message: string } {
  const error = weChatErrorFor('code2Session', errcode, undefined, 0);
  return { reason: error.code, message: error.message };
}

function entryOf(entry: AuditEntry): TimelineEntry {
  const { userId: _userId, ...details } = entry.data;
  const operator = entry.metadata['operator'] ?? details['operator'];
  const errcode = details['errcode'];
  const rid = details['rid'];
  return {
    position: entry.position,
    type: entry.type,
    at: entry.at,
    details,
    ...(typeof operator === 'string' ? { operator } : {}),
    ...(typeof errcode === 'number' ? { errcode, explanation: explainErrcode(errcode) } : {}),
    ...(typeof rid === 'string' ? { rid } : {}),
    ...(entry.type === 'LoginFailed' && details['openid'] === undefined ? { unattributed: true as const } : {}),
  };
}

/** The person's history, oldest first: their stream, their failed logins, and operators' actions on them. */
export async function readTimeline(store: EventStore, user: User, now: Date): Promise<TimelineEntry[]> {
  const unattributedSince = new Date(now.getTime() - UNATTRIBUTED_WINDOW_MS);
  const trail = await readAuditTrail(store, { appIds: [user.appId], openid: user.openid, unattributedSince });
  const { rows } = await store.db.query<{ global_position: string | number; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
    `SELECT global_position, data, metadata FROM events WHERE type = 'OperatorActed' AND data ->> 'userId' = $1`,
    [user.id],
  );
  const actions: AuditEntry[] = rows.map((row) => ({
    position: Number(row.global_position),
    type: 'OperatorActed',
    at: String(row.data['at']),
    data: row.data,
    metadata: row.metadata,
  }));
  return [...trail.events, ...actions].sort((a, b) => a.position - b.position).map(entryOf);
}

/** Everything kept about a person, as they could ask for it (data-protection access request). */
export interface PersonalDataExport {
  exportedAt: string;
  person: Omit<User, 'createdAt' | 'lastLoginAt' | 'erasedAt'> & { createdAt: string; lastLoginAt: string | null; erasedAt: string | null };
  history: TimelineEntry[];
}

/** What the console's export action calls; the privacy service's export can stand behind it. */
export interface PersonalDataExporter {
  exportPerson(user: User, now: Date): Promise<PersonalDataExport>;
}

/** The export read straight from the log: the record, and the person's whole history. */
export function logExporter(store: EventStore): PersonalDataExporter {
  return {
    async exportPerson(user, now) {
      return {
        exportedAt: now.toISOString(),
        person: {
          ...user,
          createdAt: user.createdAt.toISOString(),
          lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
          erasedAt: user.erasedAt?.toISOString() ?? null,
        },
        history: (await readTimeline(store, user, now)).filter((entry) => !entry.unattributed),
      };
    },
  };
}
