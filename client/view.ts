// What a page shows about the login: plain data for `setData` and reactive stores.
// The token stays out of page data.

import type { SnapshotFrom } from 'xstate';
import type { LoginFailure, LoginMachine, SessionUser } from '../machines/index.js';

export type LoginSnapshot = SnapshotFrom<LoginMachine>;

export interface AuthView {
  /** The active state as a dotted path, e.g. `session.awaitingConsent`. */
  state: string;
  signedIn: boolean;
  busy: boolean;
  needsConsent: boolean;
  failed: boolean;
  signedOut: boolean;
  user: SessionUser | null;
  error: Pick<LoginFailure, 'reason' | 'code' | 'message'> | null;
}

function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.keys(value as object);
  const key = entries[0];
  return key === undefined ? '' : `${key}.${statePath((value as Record<string, unknown>)[key])}`;
}

export function toAuthView(snapshot: LoginSnapshot): AuthView {
  const { user, error } = snapshot.context;
  return {
    state: statePath(snapshot.value),
    signedIn: snapshot.hasTag('signedIn'),
    busy: snapshot.hasTag('busy'),
    needsConsent: snapshot.hasTag('needsConsent'),
    failed: snapshot.hasTag('failed'),
    signedOut: snapshot.matches('signedOut'),
    user: user ? { ...user } : null,
    error: error ? { reason: error.reason, code: error.code, message: error.message } : null,
  };
}

/** Cheap equality for plain views, to skip redundant (and costly) setData calls. */
export function sameView(a: AuthView | null, b: AuthView): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}
