// `miniauth events --openid X`: one user's audit trail, oldest first and newest last, from the
// log itself: registrations, logins, profile and phone changes, revocations, erasure, and the
// failed logins recorded for that openid. Personal fields are shown while they can still be
// read (an erased user's are gone for good); session keys are never in the log.

import { loadConfig } from '../config.js';
import type { Database } from '../store/database.js';
import { readStreamEvents, type RecordedEvent } from '../store/index.js';
import { catchUpLoginFailures, listLoginFailures, userIdFor, userStreamId } from '../users/index.js';
import { openUserEvents } from '../users/personalData.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError, type CliIo, type Command } from './command.js';
import { assertMigrated, openConfiguredDatabase } from './database.js';

const USAGE = `Usage: miniauth events --openid <openid> [--app <appid>] [--json]

Prints what happened to one user, newest last: UserRegistered, UserLoggedIn, ProfileUpdated,
PhoneNumberBound, SessionsRevoked, UserErased, and LoginFailed (with WeChat's rid).

  --openid  the user's openid (required)
  --app     the mini program; default: whichever configured app knows that openid
  --json    one JSON document instead of a table

The database is DATABASE_URL (default .miniauth/data); on PGlite, stop the server first.`;

export interface AuditEntry {
  /** Place in the whole log: entries are sorted by it. */
  position: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface AuditTrail {
  appId: string;
  openid: string;
  userId: string;
  events: AuditEntry[];
}

// The log holds none, by design; should a future event carry one, the trail still drops it.
const SECRET_FIELD = /session_?key|secret/i;

function shown(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([field]) => !SECRET_FIELD.test(field)));
}

async function userTrail(db: Database, recorded: RecordedEvent[]): Promise<AuditEntry[]> {
  const opened = await openUserEvents(db, recorded);
  return opened.map((event, index) => {
    const source = recorded[index]!;
    const data = event.data as Record<string, unknown>;
    return {
      position: source.globalPosition,
      type: event.type,
      at: typeof data['at'] === 'string' ? data['at'] : source.recordedAt.toISOString(),
      data: shown(data),
      metadata: shown(source.metadata),
    };
  });
}

async function failureTrail(db: Database, appId: string, openid: string): Promise<AuditEntry[]> {
  // The failure table follows the log on a timer: bring it up to date before reading it.
  await catchUpLoginFailures(db);
  const failures = await listLoginFailures(db, { appId, openid, limit: 1000 });
  return failures.map(({ globalPosition, at, ...failure }) => ({
    position: globalPosition,
    type: 'LoginFailed',
    at: at.toISOString(),
    data: shown({ ...failure }),
    metadata: {},
  }));
}

/** The app whose user stream for this openid exists; undefined when none does. */
async function findApp(db: Database, appIds: readonly string[], openid: string): Promise<{ appId: string; recorded: RecordedEvent[] } | undefined> {
  const found: Array<{ appId: string; recorded: RecordedEvent[] }> = [];
  for (const appId of appIds) {
    const { events } = await readStreamEvents(db, userStreamId(userIdFor(appId, openid)));
    if (events.length > 0) found.push({ appId, recorded: events });
  }
  if (found.length > 1) {
    throw new UsageError(`openid ${openid} is a user of several apps (${found.map((f) => f.appId).join(', ')}): pick one with --app`);
  }
  return found[0];
}

const HIDDEN_IN_TABLE = new Set(['userId', 'at', 'appId', 'openid']);

function describeEntry(entry: AuditEntry): string {
  const fields = Object.entries(entry.data)
    .filter(([field]) => !HIDDEN_IN_TABLE.has(field))
    .map(([field, value]) => (field === 'redacted' ? '(personal data erased)' : `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}`));
  const requestId = entry.metadata['requestId'];
  if (typeof requestId === 'string') fields.push(`request=${requestId}`);
  return `${entry.at}  #${String(entry.position).padEnd(6)} ${entry.type.padEnd(17)} ${fields.join(' ')}`.trimEnd();
}

function printTable(io: CliIo, trail: AuditTrail): void {
  io.out(`openid ${trail.openid} in app ${trail.appId} (user ${trail.userId}), newest last:`);
  for (const entry of trail.events) io.out(describeEntry(entry));
}

export const eventsCommand: Command = {
  name: 'events',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      openid: { type: 'string' },
      app: { type: 'string' },
      json: { type: 'boolean' },
    });
    const openid = values.openid?.trim();
    if (!openid) throw new UsageError('--openid is required');
    if (values.app !== undefined && !/^wx[0-9A-Za-z]{6,30}$/.test(values.app)) {
      throw new UsageError(`--app "${values.app}" is not a mini program appid (wx followed by letters and digits)`);
    }
    const config = loadConfig(io.env, { cwd: io.cwd });
    const appIds = values.app !== undefined ? [values.app] : config.wechat.apps.map((app) => app.appId);
    const db = await openConfiguredDatabase(config);
    try {
      await assertMigrated(db);
      const found = await findApp(db, appIds, openid);
      if (!found) {
        io.err(`miniauth events: no user with openid ${openid} in app ${appIds.join(' or ')}`);
        return EXIT_FAILURE;
      }
      const entries = [...(await userTrail(db, found.recorded)), ...(await failureTrail(db, found.appId, openid))];
      const trail: AuditTrail = {
        appId: found.appId,
        openid,
        userId: userIdFor(found.appId, openid),
        events: entries.sort((a, b) => a.position - b.position),
      };
      if (values.json === true) io.out(JSON.stringify(trail, null, 2));
      else printTable(io, trail);
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
