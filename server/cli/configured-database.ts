// The configured database, opened the same way by every command, and described for people
// without its password.

import { databaseUrlOf, type Config, type DatabaseConfig } from '../config.js';
import { openDatabase, type Database } from '../store/index.js';

/** "PGlite in /path", "PGlite in memory …", "PostgreSQL at host:5432/db": never the user or password. */
export function describeDatabase(database: DatabaseConfig): string {
  switch (database.kind) {
    case 'pglite':
      return `PGlite in ${database.dataDir}`;
    case 'memory':
      return 'PGlite in memory (everything is gone when the process ends)';
    case 'postgres': {
      const url = new URL(database.url);
      const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
      return `PostgreSQL at ${url.hostname || 'localhost'}:${url.port || '5432'}${name ? `/${name}` : ''}`;
    }
  }
}

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(databaseUrlOf(config.database), { nodeEnv: config.env });
}

/** The tables exist: reading commands say "migrate first" instead of failing on SQL. */
export async function assertMigrated(db: Database): Promise<void> {
  const { rows } = await db.query<{ events: string | null }>(`SELECT to_regclass('events')::text AS events`);
  if (!rows[0]?.events) {
    throw new NotMigratedError();
  }
}

export class NotMigratedError extends Error {
  constructor() {
    super('the database has no miniauth tables yet: run `miniauth migrate` (or start the server) first');
    this.name = 'NotMigratedError';
  }
}
