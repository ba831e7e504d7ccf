// A pid lock file inside a PGlite data directory. PGlite has no postmaster to refuse a second
// process, and two writers corrupt the directory, so we refuse before PGlite opens it.

import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseLockedError } from './errors.js';

export const LOCK_FILE = 'miniauth.lock';

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else; it is still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the directory for this process, or throws DatabaseLockedError naming the live holder
 * (this process too: one PGlite per directory). A lock left by a dead process is taken over.
 */
export function lockDirectory(directory: string): DirectoryLock {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(path);
      if (holder !== undefined && isAlive(holder)) throw new DatabaseLockedError(directory, holder);
      // Stale (its process is gone) or half-written: remove it and try again.
      try {
        unlinkSync(path);
      } catch {
        // Another process removed it first; the next attempt settles who gets it.
      }
      continue;
    }
    const release = (): void => {
      process.off('exit', release);
      if (holderOf(path) === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new DatabaseLockedError(directory, holderOf(path) ?? 0);
}
