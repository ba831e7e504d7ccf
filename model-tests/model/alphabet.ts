// Everything that can happen next, as the test model offers it: what the person does, what the
// platform answers (each invoke's ending, each timer), and what the world does meanwhile
// (another phone logs out everywhere, a week passes, WeChat renews the session key).

import type { AppConfig } from './environment.js';
import { isAlive, privacyAgreed, tokenNumber, tokenVerdict } from './environment.js';
import { activeNodeIds, activeInvokes } from './machine-step.js';
import type { LoginLogic, LoginSnapshot } from './machine-step.js';
import type { Ending, Fault } from './outcomes.js';
import { possibleEndings } from './outcomes.js';
import type { ModelState } from './test-model.js';

export type PageName = 'share' | 'login';
/** How long the app was away: a minute, a week (every token expires), or until 30 s are left on the token (the phone's skew says expired, the server does not). */
export type Pause = 'minute' | 'week' | 'almostExpired';

export type ModelEvent =
  | { type: 'INSTALL'; mode: AppConfig['mode']; profile: AppConfig['profile']; privacy?: AppConfig['privacy']; focus?: 'gate' }
  | { type: 'LAUNCH'; page: PageName }
  | { type: 'RELAUNCH'; page: PageName; after: Pause }
  | { type: 'REINSTALL'; page: PageName }
  | { type: 'LOGIN' }
  | { type: 'RETRY' }
  | { type: 'LOGOUT' }
  | { type: 'LOGOUT_EVERYWHERE' }
  /** `wechatPopup: 'refuse'`: WeChat's own privacy popup comes first, and the person refuses it. */
  | { type: 'CONSENT'; kind: 'profile' | 'wechat'; wechatPopup?: 'refuse' }
  | { type: 'DENY' }
  | { type: 'BIND_PHONE'; wechatPopup?: 'refuse' }
  /** The page checks the guide before a gated input gets focus (the nickname). */
  | { type: 'PRIVACY_CHECK' }
  /** The app's popup: the agree button (`open-type="agreePrivacyAuthorization"`), the refuse button. */
  | { type: 'PRIVACY_AGREE' }
  | { type: 'PRIVACY_REFUSE' }
  | { type: 'HIDE' }
  /** The operator's guide declares a new data type: WeChat asks the person again. */
  | { type: 'GUIDE_UPDATED' }
  /** The operator's guide lacks a data type: WeChat answers errno 112 for it. */
  | { type: 'UNDECLARED'; scope: 'phone' | 'profile' }
  | { type: 'SHOW'; after: Pause }
  | { type: 'REQUEST' }
  | { type: 'ANSWER' }
  | { type: 'REVOKE_ELSEWHERE' }
  | { type: 'ERASED' }
  /** The person erases their account from this phone. */
  | { type: 'ERASE' }
  | { type: 'KEY_RENEWED' }
  | { type: 'END'; invoke: string; ending: Ending }
  | { type: 'TIMER'; delay: string; eventType: string };

/** The default app (component mode, no profile) and the strictest (login page, profile required):
 * between them every guard that reads the settings goes both ways. */
export const CONFIGS: readonly AppConfig[] = [
  { mode: 'component', profile: 'none', privacy: 'wechat' },
  { mode: 'loginPage', profile: 'required', privacy: 'popup' },
  // The consent box behind WeChat's own privacy popup (its refusals, the 10 s gap), walked for the gate alone.
  { mode: 'component', profile: 'required', privacy: 'wechat', focus: 'gate' },
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
  privacyCheckFails: 'the privacy setting cannot be read',
};

const pauseText = (after: Pause) => (after === 'almostExpired' ? '30 s before the token expires' : `a ${after} later`);

export function describeEvent(event: ModelEvent): string {
  switch (event.type) {
    case 'INSTALL':
      return `install (${event.mode} mode, profile ${event.profile}${event.privacy === 'popup' ? ', the app\'s privacy popup' : ''}${event.focus ? ', for the privacy gate' : ''})`;
    case 'LAUNCH':
      return `launch on the ${event.page} page`;
    case 'RELAUNCH':
      return `relaunch ${pauseText(event.after)} on the ${event.page} page`;
    case 'REINSTALL':
      return `reinstall (or a new phone), launch on the ${event.page} page`;
    case 'CONSENT':
      return (event.kind === 'profile' ? 'consent (avatar + nickname)' : 'consent (WeChat profile dialog)')
        + (event.wechatPopup ? ', refusing WeChat\'s privacy popup' : '');
    case 'DENY':
      return 'deny the dialog';
    case 'BIND_PHONE':
      return event.wechatPopup ? 'tap getPhoneNumber, refusing WeChat\'s privacy popup' : 'tap getPhoneNumber';
    case 'PRIVACY_CHECK':
      return 'focus the nickname input (the page checks the privacy guide)';
    case 'PRIVACY_AGREE':
      return 'tap agree in the privacy popup';
    case 'PRIVACY_REFUSE':
      return 'tap refuse in the privacy popup';
    case 'HIDE':
      return 'the app goes to the background';
    case 'GUIDE_UPDATED':
      return 'the operator declares a new data type in the privacy guide';
    case 'UNDECLARED':
      return `the privacy guide lacks the ${event.scope === 'phone' ? 'phone number' : 'avatar and nickname'}`;
    case 'SHOW':
      return `back from the background ${pauseText(event.after)}`;
    case 'REQUEST':
      return 'a page calls GET /me';
    case 'ANSWER':
      return 'the server answers the page request';
    case 'REVOKE_ELSEWHERE':
      return 'another phone logs out everywhere';
    case 'ERASE':
      return 'erase my account';
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
export const IGNORED_TAPS: ReadonlyArray<{ event: ModelEvent; where: string; goal: string; when?: (state: ModelState) => boolean }> = [
  { event: { type: 'LOGIN' }, where: 'authenticating', goal: 'a second LOGIN tap while logging in changes nothing' },
  { event: { type: 'CONSENT', kind: 'profile' }, where: 'session.submittingConsent', goal: 'a second CONSENT tap while sending changes nothing' },
  { event: { type: 'RETRY' }, where: 'failed.blocked', goal: 'RETRY of a blocked user changes nothing' },
  { event: { type: 'SHOW', after: 'minute' }, where: 'session.signedIn', goal: 'coming back before expiry changes nothing' },
  {
    event: { type: 'PRIVACY_AGREE' }, where: 'session.signedIn', goal: 'a second tap on the privacy agree button changes nothing',
    when: (state) => state.config?.privacy === 'popup' && privacyAgreed(state.env) && state.machine?.context.privacyAgreed === true,
  },
];

const USER_EVENTS: readonly ModelEvent[] = [
  { type: 'LOGIN' }, { type: 'RETRY' }, { type: 'LOGOUT_EVERYWHERE' }, { type: 'CONSENT', kind: 'profile' },
  { type: 'CONSENT', kind: 'wechat' }, { type: 'DENY' }, { type: 'BIND_PHONE' }, { type: 'ERASE' },
  { type: 'PRIVACY_AGREE' }, { type: 'PRIVACY_REFUSE' }, { type: 'HIDE' },
];

/**
 * Whether the person can make this tap in the world as it is: a dialog they could refuse is
 * shown only once the privacy guide is agreed to (and declares its data); the nickname check is
 * the app popup's; WeChat's own popup can only be refused where it shows.
 */
function worldAllows(state: ModelState, event: ModelEvent): boolean {
  const { config, env, machine } = state;
  const agreed = privacyAgreed(env);
  switch (event.type) {
    case 'DENY':
      // The box's own "not now" needs no dialog; the phone dialog shows only past the gate.
      return machine!.hasTag('needsConsent') || (agreed && env.phoneDeclared);
    case 'PRIVACY_CHECK':
      return config!.privacy === 'popup';
    case 'BIND_PHONE':
    case 'CONSENT':
      if (!event.wechatPopup) return true;
      return config!.privacy === 'wechat' && !agreed && (event.type === 'BIND_PHONE' ? env.phoneDeclared : env.profileDeclared);
    default:
      return true;
  }
}

const matchesPath = (snapshot: LoginSnapshot, path: string) =>
  snapshot.matches(path.split('.').reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined) as never);

/** The client's rule for writing the login to storage (client/persistence.ts), restated for the model. */
export function isAtRest(snapshot: LoginSnapshot): boolean {
  return snapshot.status === 'active' && !snapshot.hasTag('busy') && !snapshot.matches('idle')
    && !snapshot.matches('booting') && snapshot.context.pendingRequests.length === 0;
}

function timers(snapshot: LoginSnapshot): ModelEvent[] {
  const machine = snapshot.machine as unknown as LoginLogic;
  return activeNodeIds(snapshot.value, machine.root).flatMap((id) =>
    machine.getStateNodeById(id).after.map((transition) => ({
      type: 'TIMER' as const, delay: String(transition.delay), eventType: transition.eventType,
    })));
}

function machineCan(snapshot: LoginSnapshot, event: ModelEvent): boolean {
  if (event.type === 'CONSENT') return snapshot.can({ type: 'CONSENT', draft: { kind: 'profile', nickname: 'x', avatarUrl: 'x' } });
  if (event.type === 'BIND_PHONE') return snapshot.can({ type: 'BIND_PHONE', code: 'x' });
  if (event.type === 'PRIVACY_AGREE') return snapshot.can({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
  return snapshot.can(event as never);
}

/** The app is in the background with the privacy popup open: nobody can tap it. */
const inBackground = (snapshot: LoginSnapshot) =>
  snapshot.matches({ session: { privacy: 'away' } }) || snapshot.matches({ session: { boxPrivacy: 'away' } });

/** The refusals of WeChat's own popup, offered beside the plain taps where that popup shows. */
const WECHAT_POPUP_REFUSALS: readonly ModelEvent[] = [
  { type: 'BIND_PHONE', wechatPopup: 'refuse' }, { type: 'CONSENT', kind: 'profile', wechatPopup: 'refuse' },
];

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
  /**
   * `pruned`: the privacy gate is entered early in an app's life and, once in play, walked apart
   * from the rest of the world (which keeps path generation small); `free`: anywhere, with anything.
   */
  gate: 'pruned' | 'free';
}

export const PATH_ALPHABET: Alphabet = { configs: CONFIGS, maxLiveRequests: MAX_LIVE_REQUESTS, taps: 'taken', gate: 'pruned' };

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
  if (signedIn) taps.push({ type: 'BIND_PHONE' }, { type: 'LOGOUT_EVERYWHERE' }, { type: 'ERASE' });
  // The privacy popup's buttons; the nickname input's focus; WeChat's own popup, refused.
  if (snapshot.hasTag('privacyPopup')) taps.push({ type: 'PRIVACY_AGREE' }, { type: 'PRIVACY_REFUSE' }, { type: 'HIDE' });
  if (box || signedIn) taps.push({ type: 'PRIVACY_CHECK' }, ...WECHAT_POPUP_REFUSALS);
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
    if (!inBackground(snapshot)) events.push(...shownTaps(snapshot).filter((tap) => worldAllows(state, tap)));
  } else {
    for (const event of [...USER_EVENTS, ...WECHAT_POPUP_REFUSALS]) {
      if (machineCan(snapshot, event) && worldAllows(state, event)) events.push(event);
    }
    if (machineCan(snapshot, { type: 'PRIVACY_CHECK' }) && worldAllows(state, { type: 'PRIVACY_CHECK' })) events.push({ type: 'PRIVACY_CHECK' });
    for (const tap of IGNORED_TAPS) if (matchesPath(snapshot, tap.where) && (tap.when?.(state) ?? true)) events.push(tap.event);
  }
  // A gated tap the machine cannot take as such (no session yet, a login or submission under way):
  // WeChat still holds it and asks the app's listener.
  if (config.privacy === 'popup' && !privacyAgreed(env) && env.phoneDeclared && !machineCan(snapshot, { type: 'BIND_PHONE' })
    && !inBackground(snapshot)
    && !snapshot.hasTag('privacyPopup') && env.pendingGated === null) {
    events.push({ type: 'BIND_PHONE' });
  }
  // Tapped again while WeChat refuses at once (its gap after its own popup was refused).
  if (snapshot.matches({ session: { privacy: 'inGap' } })) events.push({ type: 'BIND_PHONE' });
  if (snapshot.matches({ session: { boxPrivacy: 'inGap' } })) events.push({ type: 'CONSENT', kind: 'profile' });
  // The guide may change while a submission is on its way (the gate then meets a busy session).
  if (snapshot.matches('session') && snapshot.hasTag('busy') && privacyAgreed(env) && env.guide < 2 && config.privacy === 'popup') {
    events.push({ type: 'GUIDE_UPDATED' });
  }
  // Back in front with the popup open.
  if (inBackground(snapshot)) events.push({ type: 'SHOW', after: 'minute' });

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
      // The operator changes the privacy guide (twice at most: the second asks again after an agreement).
      if (privacyAgreed(env) && env.guide < 2) events.push({ type: 'GUIDE_UPDATED' });
      // A guide without a data type: the phone number where WeChat's popup asks for it, the profile behind the box.
      if (env.phoneDeclared && config.profile === 'none' && snapshot.hasTag('signedIn')) events.push({ type: 'UNDECLARED', scope: 'phone' });
      if (env.profileDeclared && config.privacy === 'wechat' && snapshot.hasTag('needsConsent')) events.push({ type: 'UNDECLARED', scope: 'profile' });
    }
    if (live.length === 0) {
      const pauses: Pause[] = current === null ? ['minute'] : ['minute', 'week'];
      for (const after of pauses) for (const page of pages) events.push({ type: 'RELAUNCH', page, after });
      if (env.registered) events.push({ type: 'REINSTALL', page: pages[0]! });
    }
  }
  if (alphabet.gate === 'free') return dedupe(events);
  if (privacyMoved(state) || config.focus === 'gate') return dedupe(events.filter((event) => !AWAY_FROM_THE_GATE.has(event.type) && endingNearTheGate(event)));
  if (!quietForTheGate(state)) return dedupe(events.filter((event) => !INTO_THE_GATE.has(event.type)));
  return dedupe(events);
}

/**
 * The gate is walked from the start of an app's life (one login, no page request yet), and once
 * it is in play the world stays with it: no relaunch, other phone, key renewal or page request
 * multiplies its states (those were walked without it), and the platform answers with success or
 * the one failure that meets the gate (a refused token, a blocked person). Coming back from the
 * background after a week stays: the gate meets re-logins through it.
 */
const INTO_THE_GATE = new Set<ModelEvent['type']>(['GUIDE_UPDATED', 'UNDECLARED', 'PRIVACY_CHECK']);
const AWAY_FROM_THE_GATE = new Set<ModelEvent['type']>([
  'RELAUNCH', 'REINSTALL', 'REVOKE_ELSEWHERE', 'ERASED', 'KEY_RENEWED', 'LOGOUT_EVERYWHERE', 'ERASE', 'REQUEST',
]);
const NEAR_THE_GATE = new Set<string>(['done', 'gone', 'blocked', 'privacyCheckFails']);
const endingNearTheGate = (event: ModelEvent) => event.type !== 'END' || NEAR_THE_GATE.has(event.ending);

/** Early in the app's life: one login so far, no page request, no re-login, no retry. */
export function quietForTheGate(state: ModelState): boolean {
  const { env, machine } = state;
  if (!machine) return true;
  return env.issued <= 1 && env.nextRequest === 1 && env.revokedUpTo === 0 && env.expiredUpTo === 0
    && machine.context.relogins === 0 && machine.context.retries === 0;
}

/** Whether the privacy gate is in play: WeChat's or the SDK's view of the consent differs from the start. */
export function privacyMoved(state: ModelState): boolean {
  const { config, env, machine } = state;
  if (!config || !machine) return false;
  const { context } = machine;
  return env.guide !== 1 || env.agreedGuide !== 1 || !env.phoneDeclared || !env.profileDeclared
    || env.gapUntil > 0 || env.pendingGated !== null || context.privacyRequest !== null || context.privacyAgreed
    || context.undeclared.length > 0 || context.phoneCode !== null
    || machine.matches({ session: 'privacy' }) || machine.matches({ session: 'boxPrivacy' });
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
