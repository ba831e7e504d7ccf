// Failed logins, kept for support (WeChat asks for the rid) and for spotting abuse.
//
// Each failure is its own one-event stream (`login-failure-<uuid>`, expected 'no_stream'): a
// storm of failures never contends on one hot stream, the way a per-app or per-day stream
// would, and no appender ever sees a ConcurrencyError. The `login_failures` table is an async
// projection: nobody needs to read a failure in the request that recorded it.

import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../store/database.js';
import type { EventStore } from '../store/event-store.js';
import { catchUpProjection, type Projection } from '../store/projections.js';

export interface FailedLogin {
  appId: string;
  /** When code2Session got that far; unknown for a bad code. */
  openid?: string;
  /** WeChat's errcode, when WeChat answered one. */
  errcode?: number;
  /** WeChat's trace id from errmsg (`…, rid: xxx`). */
  rid?: string;
  /** Our stable UPPER_SNAKE reason, e.g. WECHAT_CODE_INVALID. */
  reason: string;
  at: Date;
}

export interface LoginFailed {
  type: 'LoginFailed';
  data: { appId: string; openid?: string; errcode?: number; rid?: string; reason: string; at: string };
}

export const LOGIN_FAILURE_STREAM_PREFIX = 'login-failure-';

export async function recordLoginFailure(store: EventStore, failure: FailedLogin): Promise<void> {
  const { appId, openid, errcode, rid, reason, at } = failure;
  const event: LoginFailed = {
    type: 'LoginFailed',
    data: {
      appId,
      ...(openid === undefined ? {} : { openid }),
      ...(errcode === undefined ? {} : { errcode }),
      ...(rid === undefined ? {} : { rid }),
      reason,
      at: at.toISOString(),
    },
  };
  await store.appendToStream(`${LOGIN_FAILURE_STREAM_PREFIX}${randomUUID()}`, 'no_stream', [event]);
}

export const loginFailuresProjection: Projection = {
  name: 'login_failures',
  handles: ['LoginFailed'],
  async apply(tx, events) {
    const rows = events.map((event) => {
      const data = event.data as LoginFailed['data'];
      return {
        global_position: event.globalPosition,
        app_id: data.appId,
        openid: data.openid ?? null,
        errcode: data.errcode ?? null,
        rid: data.rid ?? null,
        reason: data.reason,
        failed_at: data.at,
      };
    });
    await tx.query(
      `INSERT INTO login_failures (global_position, app_id, openid, errcode, rid, reason, failed_at)
       SELECT global_position, app_id, openid, errcode, rid, reason, failed_at
       FROM jsonb_to_recordset($1::jsonb) AS r(global_position bigint, app_id text, openid text,
         errcode integer, rid text, reason text, failed_at timestamptz)
       ON CONFLICT (global_position) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  },
  async reset(tx) {
    await tx.query('DELETE FROM login_failures');
  },
};

/** Brings `login_failures` up to date with the log (run it on a timer, or before reading). */
export function catchUpLoginFailures(db: Database): Promise<number> {
  return catchUpProjection(db, loginFailuresProjection);
}

export interface FailedLoginRow extends FailedLogin {
  globalPosition: number;
}

interface FailureRecord {
  global_position: string | number;
  app_id: string;
  openid: string | null;
  errcode: number | null;
  rid: string | null;
  reason: string;
  failed_at: Date | string;
}

export interface FailedLoginFilter {
  appId: string;
  /** Only this openid's (all of the app's when absent). */
  openid?: string;
  /** With `openid`: also the failures without an openid from this time on (a code WeChat refused). */
  unattributedSince?: Date;
  limit?: number;
}

/** The latest failures of an app (of one openid when given), newest first. */
export async function listLoginFailures(q: Queryable, filter: FailedLoginFilter): Promise<FailedLoginRow[]> {
  const { rows } = await q.query<FailureRecord>(
    `SELECT global_position, app_id, openid, errcode, rid, reason, failed_at FROM login_failures
     WHERE app_id = $1 AND ($2::text IS NULL OR openid = $2 OR (openid IS NULL AND failed_at >= $4::timestamptz))
     ORDER BY failed_at DESC, global_position DESC LIMIT $3`,
    [filter.appId, filter.openid ?? null, filter.limit ?? 100, filter.unattributedSince?.toISOString() ?? null],
  );
  return rows.map((row) => ({
    globalPosition: Number(row.global_position),
    appId: row.app_id,
    ...(row.openid === null ? {} : { openid: row.openid }),
    ...(row.errcode === null ? {} : { errcode: row.errcode }),
    ...(row.rid === null ? {} : { rid: row.rid }),
    reason: row.reason,
    at: row.failed_at instanceof Date ? row.failed_at : new Date(row.failed_at),
  }));
}
