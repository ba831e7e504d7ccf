// `miniauth migrate`: applies the numbered SQL migrations not yet applied. `serve` does the
// same at start-up; this is for deploys that migrate before the new servers start.

import { loadConfig } from '../config.js';
import { loadMigrations, migrate } from '../store/index.js';
import { EXIT_OK, parseCommandArgs, type Command } from './command.js';
import { describeDatabase, openConfiguredDatabase } from './configured-database.js';

const USAGE = `Usage: miniauth migrate

Applies the database migrations that are not applied yet (safe to run again, and from several
processes at once). The database is DATABASE_URL: postgres://…, a PGlite directory, or memory
(default .miniauth/data).`;

export const migrateCommand: Command = {
  name: 'migrate',
  usage: USAGE,
  async run(argv, io) {
    parseCommandArgs(argv, {}); // no options: anything given is a usage error
    const config = loadConfig(io.env, { cwd: io.cwd });
    // Read before opening: a build without its .sql files fails here, not half-way.
    const migrations = loadMigrations();
    const db = await openConfiguredDatabase(config);
    try {
      const applied = await migrate(db, migrations);
      const where = describeDatabase(config.database);
      if (applied.length === 0) io.out(`${where}: up to date (${migrations.length} migrations applied earlier)`);
      else io.out(`${where}: applied ${applied.length} migration${applied.length === 1 ? '' : 's'}: ${applied.join(', ')}`);
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
};
