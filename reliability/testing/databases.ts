// Where a server process keeps its data in a reliability test: a throwaway schema of the shared
// test database (reached by DATABASE_URL alone, through libpq's `options=-c search_path=…`),
// and the checks that read it back.

import { openThrowawayPg, TEST_DATABASE_URL, type TestDatabase } from '../../testing/databases.js';

export interface ThrowawaySchema {
  /** Migrated, for the test's own reads; closing it drops the schema. */
  db: TestDatabase;
  /** DATABASE_URL for a server process: the same database, in this schema only. */
  url: string;
}

/** A DATABASE_URL that runs every query in `schema` (the config has no schema variable). */
export function urlInSchema(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

export async function openThrowawaySchema(): Promise<ThrowawaySchema> {
  const db = await openThrowawayPg({ poolSize: 3 });
  return { db, url: urlInSchema(TEST_DATABASE_URL, db.schema!) };
}
