// Throwaway PostgreSQL schemas: every bench writes into its own, named after the bench process,
// and drops it at the end. A run that was killed leaves its schemas behind; the next run drops
// those whose process is gone.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const PREFIX = 'miniauth_bench_';

export function benchSchemaName(purpose: string): string {
  return `${PREFIX}${process.pid}_${purpose}_${randomBytes(3).toString('hex')}`;
}

async function withClient<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  if (!schema.startsWith(PREFIX) || !/^[a-z0-9_]+$/.test(schema)) throw new Error(`not a bench schema: ${schema}`);
  await withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the bench schemas of bench processes on this machine that no longer run. */
export async function dropStaleSchemas(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1`,
      [`${PREFIX.replace(/_/g, '\\_')}%`],
    );
    let dropped = 0;
    for (const { name } of rows) {
      const pid = Number(/^miniauth_bench_(\d+)_/.exec(name)?.[1]);
      if (!Number.isInteger(pid) || processAlive(pid)) continue;
      await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      dropped += 1;
    }
    return dropped;
  });
}
