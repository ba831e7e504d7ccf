// Everything that can happen next, as the test model offers it: what the person does, what the
// platform answers (each invoke's ending, each timer), and what the world does meanwhile
// (another phone logs out everywhere, a week passes, WeChat renews the session key).

import type { AppConfig } from './environment.js';
import { isAlive, tokenNumber, tokenVerdict } from './environment.js';
import { activeNodeIds, activeInvokes } from './machine-step.js';
import type { LoginLogic, LoginSnapshot } from './machine-step.js';
import type { Ending, Fault } from './outcomes.js';
import { possibleEndings } from './outcomes.js';
import type { ModelState } from './test-model.js';

export type PageName = 'share' | 'login';
/** How long the app was away: a minute, a week (every token expires), or until 30 s are left on the token (the phone's skew says expired, the server does not). */
export type Pause = 'minute' | 'week' | 'almostExpired';

export type ModelEvent =
  | { type: 'INSTALL'; mode: AppConfig['mode']; profile: AppConfig['profile'] }
  | { type: 'LAUNCH'; page: PageName }
  | { type: 'RELAUNCH'; page: PageName; after: Pause }
  | { type: 'REINSTALL'; page: PageName }
  | { type: 'LOGIN' }
  | { type: 'RETRY' }
  | { type: 'LOGOUT' }
  | { type: 'LOGOUT_EVERYWHERE' }
  | { type: 'CONSENT'; kind: 'profile' | 'wechat' }
  | { type: 'DENY' }
  | { type: 'BIND_PHONE' }
  | { type: 'SHOW'; after: Pause }
  | { type: 'REQUEST' }
  | { type: 'ANSWER' }
  | { type: 'REVOKE_ELSEWHERE' }
  | { type: 'ERASED' }
  | { type: 'KEY_RENEWED' }
  | { type: 'END'; invoke: string; ending: Ending }
  | { type: 'TIMER'; delay: string; eventType: string };

/** The default app (component mode, no profile) and the strictest (login page, profile required):
 * between them every guard that reads the settings goes both ways. */
export const CONFIGS: readonly AppConfig[] = [
  { mode: 'component', profile: 'none' },
  { mode: 'loginPage', profile: 'required' },
];

/** Page requests alive at once (queued or in flight). One reaches every transition (a single request
 * answered after a re-login is the stale-token case), and keeps the walk small. */
export const MAX_LIVE_REQUESTS = 1;

const FAULT_TEXT: Record<Fault, string> = {
  busy: 'WeChat busy (-1)',
  codeUsed: 'code been used (40163)',
  rateLimited: 'minute quota (45011)',
  blocked: 'high-risk user (40226)',
  network: 'network down',
  wxLogin: 'wx.login fails',
  gone: 'token refused (401)',
  decrypt: 'payload does not decrypt (-41003)',
  phoneCode: 'phone code invalid (40029)',
};

const pauseText = (after: Pause) => (after === 'almostExpired' ? '30 s before the token expires' : `a ${after} later`);

export function describeEvent(event: ModelEvent): string {
  switch (event.type) {
    case 'INSTALL':
      return `install (${event.mode} mode, profile ${event.profile})`;
    case 'LAUNCH':
      return `launch on the ${event.page} page`;
    case 'RELAUNCH':
      return `relaunch ${pauseText(event.after)} on the ${event.page} page`;
    case 'REINSTALL':
      return `reinstall (or a new phone), launch on the ${event.page} page`;
    case 'CONSENT':
      return event.kind === 'profile' ? 'consent (avatar + nickname)' : 'consent (WeChat profile dialog)';
    case 'DENY':
      return 'deny the dialog';
    case 'BIND_PHONE':
      return 'tap getPhoneNumber';
    case 'SHOW':
      return `back from the background ${pauseText(event.after)}`;
    case 'REQUEST':
      return 'a page calls GET /me';
    case 'ANSWER':
      return 'the server answers the page request';
    case 'REVOKE_ELSEWHERE':
      return 'another phone logs out everywhere';
    case 'ERASED':
      return 'the person erases their data from another phone';
    case 'KEY_RENEWED':
      return 'WeChat renews the session key (a wx.login the server never sees)';
    case 'END':
      return event.ending === 'done' ? `${event.invoke} succeeds` : `${event.invoke} fails: ${FAULT_TEXT[event.ending]}`;
    case 'TIMER':
      return `the ${event.delay} timer fires`;
    default:
      return event.type;
  }
}

/** Taps that must change nothing (scenario 8 and friends): extra goals every run must reach. */
export const IGNORED_TAPS: ReadonlyArray<{ event: ModelEvent; where: string; goal: string }> = [
  { event: { type: 'LOGIN' }, where: 'authenticating', goal: 'a second LOGIN tap while logging in changes nothing' },
  { event: { type: 'CONSENT', kind: 'profile' }, where: 'session.submittingConsent', goal: 'a second CONSENT tap while sending changes nothing' },
  { event: { type: 'RETRY' }, where: 'failed.blocked', goal: 'RETRY of a blocked user changes nothing' },
  { event: { type: 'SHOW', after: 'minute' }, where: 'session.signedIn', goal: 'coming back before expiry changes nothing' },
];

const USER_EVENTS: readonly ModelEvent[] = [
  { type: 'LOGIN' }, { type: 'RETRY' }, { type: 'LOGOUT_EVERYWHERE' }, { type: 'CONSENT', kind: 'profile' },
  { type: 'CONSENT', kind: 'wechat' }, { type: 'DENY' }, { type: 'BIND_PHONE' },
];

const matchesPath = (snapshot: LoginSnapshot, path: string) =>
  snapshot.matches(path.split('.').reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined) as never);

/** The client's rule for writing the login to storage (client/persistence.ts), restated for the model. */
export function isAtRest(snapshot: LoginSnapshot): boolean {
  return snapshot.status === 'active' && !snapshot.hasTag('busy') && !snapshot.matches('idle')
    && !snapshot.matches('booting') && snapshot.context.pendingRequests.length === 0;
}

function timers(snapshot: LoginSnapshot): ModelEvent[] {
  const machine = snapshot.machine as LoginLogic;
  return activeNodeIds(snapshot.value, machine.root).flatMap((id) =>
    machine.getStateNodeById(id).after.map((transition) => ({
      type: 'TIMER' as const, delay: String(transition.delay), eventType: transition.eventType,
    })));
}

function machineCan(snapshot: LoginSnapshot, event: ModelEvent): boolean {
  if (event.type === 'CONSENT') return snapshot.can({ type: 'CONSENT', draft: { kind: 'profile', nickname: 'x', avatarUrl: 'x' } });
  if (event.type === 'BIND_PHONE') return snapshot.can({ type: 'BIND_PHONE', code: 'x' });
  return snapshot.can(event as never);
}

export interface Alphabet {
  /** The apps a walk may install. */
  configs: readonly AppConfig[];
  /** Page requests alive at once. */
  maxLiveRequests: number;
  /**
   * Which taps the person makes: those the machine takes (and the ignored taps the paths must
   * check), which keeps the walk small; or every button the page shows, whatever the machine
   * makes of it, which is what a person does.
   */
  taps: 'taken' | 'shown';
}

export const PATH_ALPHABET: Alphabet = { configs: CONFIGS, maxLiveRequests: MAX_LIVE_REQUESTS, taps: 'taken' };

/** The buttons a page shows for what the view says: the login box, retry, consent, the phone button, logout everywhere. */
function shownTaps(snapshot: LoginSnapshot): ModelEvent[] {
  const signedIn = snapshot.hasTag('signedIn');
  const box = snapshot.hasTag('needsConsent');
  const out = snapshot.matches('signedOut') || snapshot.hasTag('failed');
  const taps: ModelEvent[] = [];
  if (out || (snapshot.hasTag('busy') && !signedIn)) taps.push({ type: 'LOGIN' });
  if (snapshot.hasTag('failed')) taps.push({ type: 'RETRY' });
  if (box || signedIn || snapshot.hasTag('busy')) taps.push({ type: 'CONSENT', kind: 'profile' }, { type: 'CONSENT', kind: 'wechat' });
  if (box || signedIn) taps.push({ type: 'DENY' });
  if (signedIn) taps.push({ type: 'BIND_PHONE' }, { type: 'LOGOUT_EVERYWHERE' });
  return taps;
}

export function eventsFor(state: ModelState, alphabet: Alphabet = PATH_ALPHABET): ModelEvent[] {
  const { config, machine: snapshot, env } = state;
  if (!config || !snapshot) return alphabet.configs.map((c) => ({ type: 'INSTALL', ...c }));
  const pages: PageName[] = config.mode === 'loginPage' ? ['share', 'login'] : ['share'];
  const live = env.requests.filter(isAlive);
  const events: ModelEvent[] = [];
  // Signed out, a request goes out without a token and the machine never hears of it.
  if (live.length < alphabet.maxLiveRequests && !snapshot.matches('signedOut')) events.push({ type: 'REQUEST' });
  if (snapshot.matches('idle')) return [...pages.map((page) => ({ type: 'LAUNCH' as const, page })), ...events];

  for (const invoke of activeInvokes(snapshot)) {
    for (const ending of possibleEndings(invoke, env, snapshot)) events.push({ type: 'END', invoke, ending });
  }
  events.push(...timers(snapshot));
  if (alphabet.taps === 'shown') {
    events.push(...shownTaps(snapshot));
  } else {
    for (const event of USER_EVENTS) if (machineCan(snapshot, event)) events.push(event);
    for (const tap of IGNORED_TAPS) if (matchesPath(snapshot, tap.where)) events.push(tap.event);
  }

  // A 401 arriving while the session runs an invoke would leave it: not a path we need.
  const busySession = snapshot.matches('session') && snapshot.hasTag('busy');
  if (!busySession && live.some((request) => request.state === 'inflight')) events.push({ type: 'ANSWER' });

  const current = tokenNumber(snapshot.context.token);
  if (isAtRest(snapshot)) {
    events.push({ type: 'LOGOUT' });
    if (snapshot.matches('session')) {
      events.push({ type: 'SHOW', after: 'week' });
      // The world changes while the person looks at a page: only then does it matter here.
      if (current !== null && tokenVerdict(env, current) === 'accepted') events.push({ type: 'REVOKE_ELSEWHERE' }, { type: 'ERASED' });
      if (env.wechatKey === env.serverKey && snapshot.hasTag('needsConsent')) events.push({ type: 'KEY_RENEWED' });
    }
    if (live.length === 0) {
      const pauses: Pause[] = current === null ? ['minute'] : ['minute', 'week'];
      for (const after of pauses) for (const page of pages) events.push({ type: 'RELAUNCH', page, after });
      if (env.registered) events.push({ type: 'REINSTALL', page: pages[0]! });
    }
  }
  return dedupe(events);
}

function dedupe(events: ModelEvent[]): ModelEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = JSON.stringify(event);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
