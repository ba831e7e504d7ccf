// What the server recorded about the playground's user, for the page's "server events" panel:
// the user's stream (registrations, logins, profile, phone, revocations), and the failed logins
// of this openid. A failure before code2Session answered (WeChat busy, a bad code) has no
// openid: WeChat never said whose code it was, so the page asks for those that happened while
// its phone was running.

import type { Database } from '../server/store/index.js';
import { readAuditTrail } from '../server/services/audit-trail.js';
import { createUserEventStore } from '../server/users/index.js';

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
const HIDDEN_FIELD = new Set(['userId', 'appId', 'at']);

function shownData(data: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (HIDDEN_FIELD.has(field)) continue;
    // A phone number is personal data: the page only needs to see that one was bound.
    shown[field] = field === 'phone' && typeof value === 'string' ? `…${value.slice(-4)}` : value;
  }
  return shown;
}

export async function readUserEvents(
  db: Database,
  appIds: readonly string[],
  openid: string,
  /** Also show failures without an openid from this time on (none when absent). */
  unattributedSince?: Date,
): Promise<UserEventsAnswer> {
  const trail = await readAuditTrail(createUserEventStore(db), { appIds, openid, ...(unattributedSince === undefined ? {} : { unattributedSince }) });
  const failures = trail.events.filter((event) => event.type === 'LoginFailed').slice(-FAILURES_SHOWN);
  const events = trail.events
    .filter((event) => event.type !== 'LoginFailed' || failures.includes(event))
    .map(({ position, type, at, data }) => ({ position, type, at, data: shownData(data) }));
  return { openid, userId: trail.userId, events };
}
