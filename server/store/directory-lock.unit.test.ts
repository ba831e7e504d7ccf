import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDirectory } from './directory-lock.js';
import { DatabaseLockedError } from './errors.js';

const directories: string[] = [];
function freshDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'miniauth-lock-'));
  directories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the PGlite directory lock', () => {
  it('refuses a directory another live process holds, naming it', async () => {
    const dir = freshDirectory();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${holder.pid}\n`);
      expect(() => lockDirectory(dir)).toThrow(DatabaseLockedError);
      expect(() => lockDirectory(dir)).toThrow(`in use by process ${holder.pid}`);
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock left by a process that has ended', () => {
    const dir = freshDirectory();
    const ended = spawnSync('true');
    writeFileSync(join(dir, LOCK_FILE), `${ended.pid}\n`);
    const lock = lockDirectory(dir);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses a second holder in this process until the first releases', () => {
    const dir = join(freshDirectory(), 'not-yet-created');
    const first = lockDirectory(dir);
    try {
      expect(() => lockDirectory(dir)).toThrow(DatabaseLockedError);
    } finally {
      first.release();
    }
    lockDirectory(dir).release();
  });

  it('does not remove a lock that another process took over', () => {
    const dir = freshDirectory();
    const lock = lockDirectory(dir);
    writeFileSync(lock.path, '999999\n'); // someone else's now
    lock.release();
    expect(readFileSync(lock.path, 'utf8').trim()).toBe('999999');
  });
});
