// `miniauth events --openid X`: one user's audit trail, oldest first and newest last, from the
// log itself: registrations, logins, profile and phone changes, revocations, erasure, and the
// failed logins recorded for that openid. Personal fields are shown while they can still be
// read (an erased user's are gone for good); session keys are never in the log.

import { loadConfig } from '../config.js';
import { AmbiguousOpenidError, readAuditTrail, type AuditEntry, type AuditTrail } from '../services/audit-trail.js';
import { createUserEventStore } from '../users/index.js';
import { EXIT_FAILURE, EXIT_OK, parseCommandArgs, UsageError, type CliIo, type Command } from './command.js';
import { assertMigrated, openConfiguredDatabase } from './configured-database.js';

const USAGE = `Usage: miniauth events --openid <openid> [--app <appid>] [--json]

Prints what happened to one user, newest last: UserRegistered, UserLoggedIn, ProfileUpdated,
the content review of the profile (ProfileReviewRequested, ProfileReviewDeferred,
ProfileReviewPassed, ProfileReviewRefused), PhoneNumberBound, PhoneNumberNotBound,
PhoneNumberUnavailable (errno 1400001), ConsentRecorded (given, refused or withdrawn, with the
guide version), SessionsRevoked, UserErased, IdentityLinked, UserMerged and PersonAbsorbed (one
person across apps), and LoginFailed (with WeChat's rid).

  --openid  the user's openid (required)
  --app     the mini program; default: whichever configured app knows that openid
  --json    one JSON document instead of a table

The database is DATABASE_URL (default .miniauth/data); on PGlite, stop the server first.`;

const HIDDEN_IN_TABLE = new Set(['userId', 'at', 'appId', 'openid']);

function describeEntry(entry: AuditEntry): string {
  const fields = Object.entries(entry.data)
    .filter(([field]) => !HIDDEN_IN_TABLE.has(field))
    .map(([field, value]) => (field === 'redacted' ? '(personal data erased)' : `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}`));
  const requestId = entry.metadata['requestId'];
  if (typeof requestId === 'string') fields.push(`request=${requestId}`);
  return `${entry.at}  #${String(entry.position).padEnd(6)} ${entry.type.padEnd(22)} ${fields.join(' ')}`.trimEnd();
}

function printTable(io: CliIo, trail: AuditTrail & { appId: string }): void {
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
      let trail: AuditTrail;
      try {
        trail = await readAuditTrail(createUserEventStore(db), { appIds, openid });
      } catch (error) {
        if (error instanceof AmbiguousOpenidError) throw new UsageError(`${error.message} with --app`);
        throw error;
      }
      if (trail.appId === null) {
        io.err(`miniauth events: no user with openid ${openid} in app ${appIds.join(' or ')}`);
        return EXIT_FAILURE;
      }
      if (values.json === true) io.out(JSON.stringify(trail, null, 2));
      else printTable(io, { ...trail, appId: trail.appId });
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
