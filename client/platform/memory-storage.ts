// An in-memory Storage for tests and for platforms without persistent storage.

import type { Storage } from '../ports.js';

export interface MemoryStorage extends Storage {
  readonly entries: Map<string, string>;
}

export function memoryStorage(initial: Record<string, string> = {}): MemoryStorage {
  const entries = new Map(Object.keys(initial).map((key) => [key, initial[key]!] as const));
  return {
    entries,
    get: (key) => entries.get(key) ?? null,
    set: (key, value) => void entries.set(key, value),
    remove: (key) => void entries.delete(key),
  };
}
