// `miniauth rebuild`: throws the projections away and replays the log into them. The users
// table is rebuilt in one transaction (readers see the old table until it commits); failed
// logins follow the log again from the start.

import { loadConfig } from '../config.js';
import type { Database } from '../store/database.js';
import { countStreamEvents, rebuildAsyncProjection, type Projection } from '../store/index.js';
import { createUserEventStore, loginFailuresProjection, Users, userStream } from '../users/index.js';
import { EXIT_OK, parseCommandArgs, type CliIo, type Command } from './command.js';
import { assertMigrated, describeDatabase, openConfiguredDatabase } from './configured-database.js';
import { createProgress } from './progress.js';

const USAGE = `Usage: miniauth rebuild

Rebuilds the users table and the failed-login record from the event log, with a progress bar on a
terminal and a line every tenth of the way otherwise. The result equals what was built live. The
database is DATABASE_URL (default .miniauth/data); on PGlite, stop the server first.`;

const BATCH_SIZE = 500;

async function countRows(db: Database, table: 'users' | 'login_failures'): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return Number(rows[0]?.n ?? 0);
}

function reportRebuilt(io: CliIo, table: string, replayed: number, rows: number): void {
  io.out(`${table}: rebuilt from ${replayed} event${replayed === 1 ? '' : 's'}, ${rows} rows`);
}

async function rebuildUsers(db: Database, io: CliIo): Promise<void> {
  const progress = createProgress(io, 'users', await countStreamEvents(db, userStream), 'events');
  const replayed = await new Users(createUserEventStore(db)).rebuild({ batchSize: BATCH_SIZE, onBatch: (events) => progress.advance(events) });
  progress.finish();
  reportRebuilt(io, 'users', replayed, await countRows(db, 'users'));
}

async function rebuildLoginFailures(db: Database, io: CliIo, projection: Projection): Promise<void> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE type = ANY($1::text[])', [[...projection.handles]]);
  const progress = createProgress(io, projection.name, Number(rows[0]?.n ?? 0), 'events');
  // The projection itself, reporting each batch it is handed.
  const reporting: Projection = {
    ...projection,
    async apply(tx, events) {
      await projection.apply(tx, events);
      progress.advance(events.length);
    },
  };
  const replayed = await rebuildAsyncProjection(db, reporting, { batchSize: BATCH_SIZE });
  progress.finish();
  reportRebuilt(io, 'login_failures', replayed, await countRows(db, 'login_failures'));
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
      await rebuildUsers(db, io);
      await rebuildLoginFailures(db, io, loginFailuresProjection);
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
