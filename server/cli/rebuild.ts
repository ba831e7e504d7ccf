// `miniauth rebuild`: throws the projections away and replays the log into them. The users
// table is rebuilt in one transaction (readers see the old table until it commits); failed
// logins follow the log again from the start.

import { loadConfig } from '../config.js';
import type { Database } from '../store/database.js';
import { rebuildAsyncProjection, rebuildInlineProjection, type Projection } from '../store/index.js';
import { loginFailuresProjection, usersProjection } from '../users/index.js';
import { EXIT_OK, parseCommandArgs, type CliIo, type Command } from './command.js';
import { assertMigrated, describeDatabase, openConfiguredDatabase } from './database.js';
import { createProgress } from './progress.js';

const USAGE = `Usage: miniauth rebuild

Rebuilds the users table and the failed-login record from the event log, with a progress bar on a
terminal and a line every tenth of the way otherwise. The result equals what was built live. The
database is DATABASE_URL (default .miniauth/data); on PGlite, stop the server first.`;

const BATCH_SIZE = 500;

async function countEvents(db: Database, types: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE type = ANY($1::text[])', [[...types]]);
  return Number(rows[0]?.n ?? 0);
}

async function countRows(db: Database, table: 'users' | 'login_failures'): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return Number(rows[0]?.n ?? 0);
}

type Rebuild = (db: Database, projection: Projection, options: { batchSize: number }) => Promise<number>;

async function rebuildOne(db: Database, io: CliIo, projection: Projection, rebuild: Rebuild, table: 'users' | 'login_failures') {
  const progress = createProgress(io, projection.name, await countEvents(db, projection.handles), 'events');
  // The projection itself, reporting each batch it is handed.
  const reporting: Projection = {
    ...projection,
    async apply(tx, events) {
      await projection.apply(tx, events);
      progress.advance(events.length);
    },
  };
  const replayed = await rebuild(db, reporting, { batchSize: BATCH_SIZE });
  progress.finish();
  io.out(`${table}: rebuilt from ${replayed} event${replayed === 1 ? '' : 's'}, ${await countRows(db, table)} rows`);
}

export const rebuildCommand: Command = {
  name: 'rebuild',
  usage: USAGE,
  async run(argv, io) {
    parseCommandArgs(argv, {}); // no options: anything given is a usage error
    const config = loadConfig(io.env, { cwd: io.cwd });
    const db = await openConfiguredDatabase(config);
    try {
      await assertMigrated(db);
      io.err(`Rebuilding projections in ${describeDatabase(config.database)}`);
      await rebuildOne(db, io, usersProjection, rebuildInlineProjection, 'users');
      await rebuildOne(db, io, loginFailuresProjection, rebuildAsyncProjection, 'login_failures');
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
