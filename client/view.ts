// What a page shows about the login: plain data for `setData` and reactive stores.
// The token stays out of page data.

import type { SnapshotFrom } from 'xstate';
import type { LoginFailure, LoginMachine, PrivacyScope, SessionUser } from '../machines/index.js';

export type LoginSnapshot = SnapshotFrom<LoginMachine>;

export interface AuthView {
  /** The active state as a dotted path, e.g. `session.awaitingConsent`. */
  state: string;
  signedIn: boolean;
  busy: boolean;
  needsConsent: boolean;
  failed: boolean;
  signedOut: boolean;
  /**
   * WeChat marks the person high-risk (40226): the login stays failed until a relaunch, and a
   * "try again" would do nothing, so pages show an explanation without a button.
   */
  blocked: boolean;
  /** The last login registered the person (a first login, or the first after an erasure). */
  isNew: boolean;
  user: SessionUser | null;
  error: Pick<LoginFailure, 'reason' | 'code' | 'message'> | null;
  privacy: PrivacyView;
}

/** The privacy gate as a page shows it. */
export interface PrivacyView {
  /** Show the app's privacy popup (agree button, refuse button, a link to the guide). */
  popup: boolean;
  /** The guide changed since the person agreed: the popup says so. */
  again: boolean;
  /** Checking wx.getPrivacySetting. */
  checking: boolean;
  /** WeChat refuses gated calls for a few seconds after its own popup was refused. */
  inGap: boolean;
  /** Data types the guide does not declare: hide their buttons (the operator was told). */
  undeclared: PrivacyScope[];
}

function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.keys(value as object);
  const key = entries[0];
  return key === undefined ? '' : `${key}.${statePath((value as Record<string, unknown>)[key])}`;
}

function privacyView(snapshot: LoginSnapshot): PrivacyView {
  const gate = (state: string) => snapshot.matches({ session: { privacy: state } } as never)
    || snapshot.matches({ session: { boxPrivacy: state } } as never);
  return {
    popup: snapshot.hasTag('privacyPopup'),
    again: gate('neededAgain'),
    checking: gate('checking'),
    inGap: gate('inGap'),
    undeclared: [...snapshot.context.undeclared],
  };
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
    blocked: snapshot.matches({ failed: 'blocked' }),
    isNew: snapshot.context.isNew,
    user: user ? { ...user } : null,
    error: error ? { reason: error.reason, code: error.code, message: error.message } : null,
    privacy: privacyView(snapshot),
  };
}

/** Cheap equality for plain views, to skip redundant (and costly) setData calls. */
export function sameView(a: AuthView | null, b: AuthView): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}
