// What a person and the operator can see after each step, in one comparable shape: the model
// says what it should be, the running system says what it is, and any field that differs is
// reported side by side.

import type { LoginContext } from '../machines/index.js';
import { hasProfile } from '../machines/index.js';
import { describePage } from './model/environment.js';

export { describePage };
import { describeTransition } from './model/goals.js';

export interface Scene {
  state: string;
  shows: string;
  context: string;
  transitions: string[];
  actions: string[];
  stored: string;
  pages: string[];
  navigations: string[];
  toasts: number;
  loading: boolean;
  waiting: string[];
  timers: string[];
  requests: string[];
  serverEvents: string[];
  invitesAccepted: number;
  /** Configuration failures reported to the operator (a data type missing from the privacy guide). */
  reports: number;
}

export const SCENE_FIELDS: Record<keyof Scene, string> = {
  state: 'machine state',
  shows: 'the page shows',
  context: 'SDK context',
  transitions: 'transitions taken',
  actions: 'platform actions run',
  stored: 'login in storage',
  pages: 'page stack',
  navigations: 'navigations since the app started',
  toasts: 'toasts shown so far',
  loading: 'loading mask',
  waiting: 'calls waiting on the network',
  timers: 'timers set',
  requests: 'page requests',
  serverEvents: 'server event log (this path)',
  invitesAccepted: 'deferred page work run',
  reports: 'configuration failures reported',
};

export interface Difference {
  field: string;
  expected: string;
  shown: string;
}

const show = (value: unknown) => (Array.isArray(value) ? (value.length ? value.join(' · ') : '(none)') : String(value));

export function differences(expected: Scene, shown: Scene): Difference[] {
  return (Object.keys(SCENE_FIELDS) as Array<keyof Scene>)
    .filter((field) => JSON.stringify(expected[field]) !== JSON.stringify(shown[field]))
    .map((field) => ({ field: SCENE_FIELDS[field], expected: show(expected[field]), shown: show(shown[field]) }));
}

export function describeFlags(flags: {
  signedIn: boolean; busy: boolean; needsConsent: boolean; failed: boolean; signedOut: boolean; privacyPopup: boolean;
}): string {
  const on = (Object.keys(flags) as Array<keyof typeof flags>).filter((flag) => flags[flag]);
  return on.length ? on.join(', ') : 'nothing';
}


/** The parts of the machine's context a path can check, with tokens under the model's names. */
export function describeContext(context: LoginContext, label: (token: string | null) => string): string {
  const { user, error, consent, deepLink } = context;
  return [
    `token ${label(context.token)}`,
    `retries ${context.retries}`,
    `relogins ${context.relogins}`,
    `queued [${context.pendingRequests.join(', ')}]`,
    error ? `error ${error.reason}/${error.code}` : 'no error',
    user ? `user ${hasProfile(user) ? 'with' : 'without'} profile, ${user.phone ? 'with' : 'without'} phone` : 'no user',
    deepLink ? `deep link ${describePage({ route: deepLink.path, options: deepLink.query })}` : 'no deep link',
    consent ? `consent ${consent.kind}${context.consentResent ? ' (resent)' : ''}${context.freshCode ? ' with a fresh code' : ''}` : 'no consent',
    // The privacy gate, only once it is in play (older outcomes read as they did).
    ...(context.privacyRequest ? [`privacy request ${context.privacyRequest}`] : []),
    ...(context.privacyAgreed ? ['privacy agreed'] : []),
    ...(context.undeclared.length > 0 ? [`undeclared ${context.undeclared.join(', ')}`] : []),
    ...(context.phoneCode ? ['phone code kept'] : []),
  ].join('; ');
}

export function describeTransitions(keys: readonly string[]): string[] {
  return keys.map(describeTransition);
}
