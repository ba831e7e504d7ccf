import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl } from './open-database.js';

describe('DATABASE_URL', () => {
  it('selects pg for postgres URLs, in-memory PGlite for "memory", a PGlite directory otherwise', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/db')).toEqual({ kind: 'pg', url: 'postgres://u@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://h/db')).toEqual({ kind: 'pg', url: 'postgresql://h/db' });
    expect(parseDatabaseUrl('memory')).toEqual({ kind: 'pglite', directory: undefined });
    expect(parseDatabaseUrl('.miniauth/data')).toEqual({ kind: 'pglite', directory: resolve('.miniauth/data') });
    expect(parseDatabaseUrl('file:///var/lib/miniauth')).toEqual({ kind: 'pglite', directory: '/var/lib/miniauth' });
  });

  it('refuses an empty value or another database scheme with a typed error', () => {
    expect(() => parseDatabaseUrl('  ')).toThrow(expect.objectContaining({ code: 'INVALID_DATABASE_CONFIG' }));
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(/mysql:\/\/ is not supported/);
  });

  it('refuses PGlite under NODE_ENV=production, in memory or in a directory', async () => {
    for (const url of ['memory', '/tmp/miniauth-never-created']) {
      await expect(openDatabase(url, { nodeEnv: 'production' })).rejects.toMatchObject({
        code: 'PGLITE_IN_PRODUCTION',
        message: expect.stringContaining('set DATABASE_URL to a postgres:// URL'),
      });
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openDatabase('memory', { schema: 'x"; DROP TABLE users; --' })).rejects.toMatchObject({
      code: 'INVALID_DATABASE_CONFIG',
    });
  });
});
