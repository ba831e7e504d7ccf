// One person's audit trail, from the log itself: registration, logins, profile and phone
// changes, revocations, erasure, and the failed logins recorded for their openid. Personal
// fields are shown while they can still be read (an erased user's are gone for good); session
// secrets are never in the log, and a field that looks like one is dropped all the same.
// `miniauth events` prints it; the playground shows it.

import { AppError } from '../errors.js';
import type { EventStore } from '../store/event-store.js';
import { catchUpLoginFailures, listLoginFailures, userIdFor, userStreamId } from '../users/index.js';

export interface AuditEntry {
  /** Place in the whole log: entries are sorted by it. */
  position: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface AuditTrail {
  openid: string;
  /** The app whose user this is; null when no configured app has one with this openid. */
  appId: string | null;
  userId: string | null;
  events: AuditEntry[];
}

export interface AuditRequest {
  appIds: readonly string[];
  openid: string;
  /** Also the failures without an openid (WeChat never said whose code it was) from this time on. */
  unattributedSince?: Date;
}

/** The openid has a user in several of the apps asked about: say which one. */
export class AmbiguousOpenidError extends AppError<'OPENID_AMBIGUOUS'> {
  readonly appIds: readonly string[];
  constructor(openid: string, appIds: readonly string[]) {
    super('OPENID_AMBIGUOUS', `openid ${openid} is a user of several apps (${appIds.join(', ')}): pick one`);
    this.appIds = appIds;
  }
}

// The log holds none of these by design; a trail still never shows one.
const SECRET_FIELD = /session_?key|secret|token$/i;
const FAILURES_SHOWN = 1000;

function withoutSecrets(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([field]) => !SECRET_FIELD.test(field)));
}

export async function readAuditTrail(store: EventStore, request: AuditRequest): Promise<AuditTrail> {
  const { openid } = request;
  const found: Array<{ appId: string; userId: string; entries: AuditEntry[] }> = [];
  for (const appId of request.appIds) {
    const userId = userIdFor(appId, openid);
    const { events } = await store.readStream(userStreamId(userId));
    if (events.length === 0) continue;
    const entries = events.map((event) => {
      const data = (event.data ?? {}) as Record<string, unknown>;
      return {
        position: event.globalPosition,
        type: event.type,
        at: typeof data['at'] === 'string' ? data['at'] : event.recordedAt.toISOString(),
        data: withoutSecrets(data),
        metadata: withoutSecrets(event.metadata),
      };
    });
    found.push({ appId, userId, entries });
  }
  if (found.length > 1) throw new AmbiguousOpenidError(openid, found.map((each) => each.appId));

  // Failed logins follow the log on a timer: bring them up to date before reading them.
  await catchUpLoginFailures(store.db);
  const failures: AuditEntry[] = [];
  for (const appId of request.appIds) {
    const rows = await listLoginFailures(store.db, {
      appId,
      openid,
      ...(request.unattributedSince === undefined ? {} : { unattributedSince: request.unattributedSince }),
      limit: FAILURES_SHOWN,
    });
    for (const { globalPosition, at, ...failure } of rows) {
      failures.push({ position: globalPosition, type: 'LoginFailed', at: at.toISOString(), data: withoutSecrets({ ...failure }), metadata: {} });
    }
  }
  const user = found[0];
  return {
    openid,
    appId: user?.appId ?? null,
    userId: user?.userId ?? null,
    events: [...(user?.entries ?? []), ...failures].sort((a, b) => a.position - b.position),
  };
}
