// What must hold in the event log and the users projection after any amount of load, faults
// and crashes: one registration per user, streams without gaps, login counts that match the
// log, no user half-written, and a rebuild from the log that equals the live table.

import type { Database, Queryable } from '../../server/store/database.js';
import { createUserEventStore, Users } from '../../server/users/index.js';

export interface UserStream {
  userId: string;
  registered: number;
  loggedIn: number;
  events: number;
  lastPosition: number;
  firstType: string;
}

export interface UserRecordView {
  id: string;
  openid: string;
  loginCount: number;
}

export interface LogAudit {
  streams: Map<string, UserStream>;
  users: Map<string, UserRecordView>;
  /** Every broken rule, in words (empty when the log and the table are sound). */
  problems: string[];
}

export async function auditLog(db: Queryable): Promise<LogAudit> {
  const { rows: streamRows } = await db.query<{ stream_id: string; registered: string; logged_in: string; events: string; last_position: string; first_type: string }>(
    `SELECT stream_id,
            count(*) FILTER (WHERE type = 'UserRegistered') AS registered,
            count(*) FILTER (WHERE type = 'UserLoggedIn') AS logged_in,
            count(*) AS events,
            max(stream_position) AS last_position,
            (array_agg(type ORDER BY stream_position))[1] AS first_type
     FROM events WHERE stream_id LIKE 'user-%' GROUP BY stream_id`,
  );
  const { rows: userRows } = await db.query<{ id: string; openid: string; login_count: number }>('SELECT id, openid, login_count FROM users');
  const streams = new Map<string, UserStream>();
  for (const row of streamRows) {
    const userId = row.stream_id.slice('user-'.length);
    streams.set(userId, {
      userId,
      registered: Number(row.registered),
      loggedIn: Number(row.logged_in),
      events: Number(row.events),
      lastPosition: Number(row.last_position),
      firstType: row.first_type,
    });
  }
  const users = new Map(userRows.map((row) => [row.id, { id: row.id, openid: row.openid, loginCount: Number(row.login_count) }]));

  const problems: string[] = [];
  for (const stream of streams.values()) {
    const who = `user ${stream.userId}`;
    if (stream.registered !== 1) problems.push(`${who}: ${stream.registered} UserRegistered events`);
    if (stream.firstType !== 'UserRegistered') problems.push(`${who}: the stream starts with ${stream.firstType}`);
    if (stream.lastPosition !== stream.events) problems.push(`${who}: ${stream.events} events up to position ${stream.lastPosition}`);
    const row = users.get(stream.userId);
    if (!row) problems.push(`${who}: in the log but not in the users table`);
    else if (row.loginCount !== stream.loggedIn) problems.push(`${who}: login_count ${row.loginCount}, ${stream.loggedIn} UserLoggedIn events`);
  }
  for (const row of users.values()) {
    if (!streams.has(row.id)) problems.push(`user ${row.id}: in the users table but not in the log`);
  }
  return { streams, users, problems };
}

async function usersTable(db: Queryable): Promise<string> {
  const { rows } = await db.query('SELECT * FROM users ORDER BY id');
  return JSON.stringify(rows);
}

/** The users table before and after a rebuild from the log (equal when the projection is sound). */
export async function rebuildAndCompare(db: Database): Promise<{ live: string; rebuilt: string; users: number }> {
  const live = await usersTable(db);
  await new Users(createUserEventStore(db)).rebuild();
  const rebuilt = await usersTable(db);
  return { live, rebuilt, users: (JSON.parse(live) as unknown[]).length };
}
