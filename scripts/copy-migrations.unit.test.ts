import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, MIGRATIONS_DIRECTORY } from '../server/store/migrate.js';
import { copyMigrations, MIGRATIONS_SOURCE } from './copy-migrations.js';

const dirs: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'miniauth-copy-'));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('copyMigrations', () => {
  it('gives the build the same migrations the source runs', () => {
    expect(MIGRATIONS_SOURCE).toBe(MIGRATIONS_DIRECTORY.replace(/\/$/, ''));
    const target = join(temp(), 'dist', 'server', 'store', 'migrations');
    copyMigrations(MIGRATIONS_SOURCE, target);
    expect(loadMigrations(target)).toEqual(loadMigrations(MIGRATIONS_SOURCE));
  });

  it('copies only .sql files and drops a migration the source no longer has', () => {
    const source = temp();
    writeFileSync(join(source, '001_a.sql'), 'SELECT 1;');
    writeFileSync(join(source, 'README.md'), 'notes');
    const target = join(temp(), 'migrations');
    mkdirSync(target);
    writeFileSync(join(target, '002_removed.sql'), 'SELECT 2;');
    expect(copyMigrations(source, target)).toEqual(['001_a.sql']);
    expect(readdirSync(target)).toEqual(['001_a.sql']);
  });

  it('refuses a source without migrations instead of building a package that cannot migrate', () => {
    expect(() => copyMigrations(temp(), join(temp(), 'out'))).toThrow(/No \.sql migrations/);
  });
});
