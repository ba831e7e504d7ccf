// Numbered SQL migrations (migrations/NNN_name.sql), run explicitly at start-up. All of them
// run in one transaction under an advisory lock keyed by the schema, so two processes starting
// together apply each file once and a failed file leaves nothing half-done.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from './database.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const migrationFile = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(directory: string = MIGRATIONS_DIRECTORY): Migration[] {
  if (!existsSync(directory)) {
    // A build that compiled the TypeScript but did not copy the .sql files next to it.
    throw new Error(`No migrations folder at ${directory}: copy server/store/migrations/*.sql there.`);
  }
  const migrations: Migration[] = [];
  for (const file of readdirSync(directory).sort()) {
    const match = migrationFile.exec(file);
    if (!match) continue;
    migrations.push({
      version: Number(match[1]),
      name: `${match[1]}_${match[2]}`,
      sql: readFileSync(`${directory}/${file}`, 'utf8'),
    });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new Error(`Two migrations share a number in ${directory}.`);
  return migrations;
}

async function appliedVersions(tx: Queryable): Promise<Set<number>> {
  const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => Number(row.version)));
}

/** Applies the migrations not yet applied to this schema; returns the names it applied. */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('miniauth.migrate:' || current_schema()))`);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const applied = await appliedVersions(tx);
    const names: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      names.push(migration.name);
    }
    return names;
  });
}
