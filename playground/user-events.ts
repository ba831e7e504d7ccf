// What the server recorded about the playground's user, for the page's "server events" panel:
// the user's stream (registrations, logins, profile, phone, revocations), and the failed logins
// of this openid. A failure before code2Session answered (WeChat busy, a bad code) has no
// openid: WeChat never said whose code it was, so the page asks for those that happened while
// its phone was running.

import type { Database } from '../server/store/index.js';
import { readStreamEvents } from '../server/store/index.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from '../server/store/events.js';
import { userIdFor, userStreamId } from '../server/users/index.js';
import { openUserEvents } from '../server/users/personalData.js';

export interface ShownEvent {
  /** Place in the whole log: the list is sorted by it. */
  position: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface UserEventsAnswer {
  openid: string;
  /** Null while the user does not exist on the server (before the first login). */
  userId: string | null;
  events: ShownEvent[];
}

const FAILURES_SHOWN = 50;
// The log holds none of these by design; a dev page still never shows one.
const SECRET_FIELD = /session_?key|secret|token$/i;
const HIDDEN_FIELD = new Set(['userId', 'appId', 'at']);

function shownData(data: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (SECRET_FIELD.test(field) || HIDDEN_FIELD.has(field)) continue;
    // A phone number is personal data: the page only needs to see that one was bound.
    shown[field] = field === 'phone' && typeof value === 'string' ? `…${value.slice(-4)}` : value;
  }
  return shown;
}

function atOf(data: Record<string, unknown>, recordedAt: Date): string {
  return typeof data['at'] === 'string' ? data['at'] : recordedAt.toISOString();
}

async function userStream(db: Database, appIds: readonly string[], openid: string) {
  for (const appId of appIds) {
    const userId = userIdFor(appId, openid);
    const { events } = await readStreamEvents(db, userStreamId(userId));
    if (events.length > 0) return { userId, recorded: events };
  }
  return undefined;
}

export async function readUserEvents(
  db: Database,
  appIds: readonly string[],
  openid: string,
  /** Also show failures without an openid from this time on (none when absent). */
  unattributedSince?: Date,
): Promise<UserEventsAnswer> {
  const stream = await userStream(db, appIds, openid);
  const events: ShownEvent[] = [];
  if (stream) {
    const opened = await openUserEvents(db, stream.recorded);
    opened.forEach((event, index) => {
      const recorded = stream.recorded[index]!;
      const data = event.data as Record<string, unknown>;
      events.push({ position: recorded.globalPosition, type: event.type, at: atOf(data, recorded.recordedAt), data: shownData(data) });
    });
  }
  // Read from the log itself, not the login_failures projection: that one follows on a timer.
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE type = 'LoginFailed' AND data->>'appId' = ANY($1::text[])
       AND (data->>'openid' = $2 OR (data->>'openid' IS NULL AND recorded_at >= $3))
     ORDER BY global_position DESC LIMIT ${FAILURES_SHOWN}`,
    [[...appIds], openid, unattributedSince?.toISOString() ?? 'infinity'],
  );
  for (const recorded of rows.map(toRecordedEvent)) {
    const data = (recorded.data ?? {}) as Record<string, unknown>;
    events.push({ position: recorded.globalPosition, type: recorded.type, at: atOf(data, recorded.recordedAt), data: shownData(data) });
  }
  events.sort((a, b) => a.position - b.position);
  return { openid, userId: stream?.userId ?? null, events };
}
