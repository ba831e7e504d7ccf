// The login snapshot in storage, so that a relaunch restores the state: written only at
// rest (no platform call in flight, no request waiting), read back with today's settings.

import type { Snapshot } from 'xstate';
import type { LoginSettings } from '../machines/index.js';
import type { Storage } from './ports.js';
import type { LoginSnapshot } from './view.js';

const FORMAT = 1;

interface StoredLogin {
  format: number;
  snapshot: Snapshot<unknown> & { context?: Record<string, unknown> };
}

export function isAtRest(snapshot: LoginSnapshot): boolean {
  return snapshot.status === 'active'
    && !snapshot.hasTag('busy')
    && !snapshot.matches('idle')
    && !snapshot.matches('booting')
    && snapshot.context.pendingRequests.length === 0;
}

export function loadSnapshot(storage: Storage, key: string, settings: LoginSettings): Snapshot<unknown> | undefined {
  const text = storage.get(key);
  if (text === null) return undefined;
  try {
    const stored = JSON.parse(text) as StoredLogin;
    if (stored.format !== FORMAT || !stored.snapshot || stored.snapshot.status !== 'active' || !stored.snapshot.context) return undefined;
    // Settings are configuration, not state: today's options win over the stored ones.
    stored.snapshot.context = { ...stored.snapshot.context, settings, pendingRequests: [] };
    return stored.snapshot;
  } catch {
    storage.remove(key); // unreadable: start over with a silent login
    return undefined;
  }
}

/** Returns a writer that stores each new resting snapshot once. */
export function snapshotWriter(storage: Storage, key: string) {
  let lastWritten: string | null = null;
  return (snapshot: LoginSnapshot, persisted: Snapshot<unknown>) => {
    if (!isAtRest(snapshot)) return;
    const text = JSON.stringify({ format: FORMAT, snapshot: persisted } satisfies StoredLogin);
    if (text === lastWritten) return;
    lastWritten = text;
    storage.set(key, text);
  };
}
