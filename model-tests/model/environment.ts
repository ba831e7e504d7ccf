// The world around the machine as the test model keeps it: the app's configuration, what the
// server and WeChat know (tokens, session keys, the user's profile), the page requests in
// flight, and what the person sees (pages, toasts, the loading mask). Platform actions the
// machine asks for are applied here exactly as the client's provided actions apply them.

import type { LoginFailure, LoginSettings } from '../../machines/index.js';
import { DEFAULT_LOGIN_SETTINGS, pagePath } from '../../machines/index.js';
import type { PlatformEffect } from './machine-step.js';

export interface AppConfig {
  mode: 'component' | 'loginPage';
  profile: 'none' | 'required';
  /** Who asks for consent to the privacy guide: the app's own popup (the SDK owns the listener), or WeChat's. */
  privacy: 'popup' | 'wechat';
  /** `gate`: this app is walked for the privacy gate alone (its world stays with the gate from the start). */
  focus?: 'gate';
}

/** The privacy-gated calls a page makes: the phone button, the avatar button, WeChat's profile dialog. */
export type GatedCall = 'phone' | 'avatar' | 'profileDialog';

/** How long WeChat refuses gated calls at once after its own popup was refused. */
export const PRIVACY_GAP_MS = 10_000;

export const LOGIN_PAGE = '/pages/login/index';
export const TOKEN_TTL_MS = 7 * 86_400_000; // the server's default TOKEN_TTL
export const A_MINUTE = 60_000;
export const A_WEEK = 8 * 86_400_000; // long enough for any token to expire

/** Small numbers, so that caps and retry limits are reached in a few steps. */
export const RETRY = { maxRetries: 1, backoffMs: 1000, rateLimitWaitMs: 60_000 } as const;
export const RELOGIN_CAP = 1;

export function settingsFor(config: AppConfig): LoginSettings {
  return {
    ...DEFAULT_LOGIN_SETTINGS,
    ...RETRY,
    reloginCap: RELOGIN_CAP,
    profileRequired: config.profile === 'required',
    loginPage: config.mode === 'loginPage' ? LOGIN_PAGE : null,
  };
}

export interface Page {
  route: string;
  options: Record<string, string>;
}

/** `pages/share/index?from=a b&invite=abc`: a page as the person sees it, query keys sorted. */
export function describePage(page: Page): string {
  const query = Object.keys(page.options).sort().map((key) => `${key}=${page.options[key]}`).join('&');
  return query ? `${page.route}?${query}` : page.route;
}

export const SHARED_PAGE: Page = { route: 'pages/share/index', options: { invite: 'abc', from: 'a b' } };
export const LOGIN_PAGE_ENTRY: Page = { route: pagePath(LOGIN_PAGE), options: {} };

export type RequestState = 'queued' | 'inflight' | 'goneAnswered' | 'resolved' | 'rejected';

/** A page's `auth.request('/me')`, numbered as the client numbers them (`r1`, `r2`, … per app start). */
export interface PageRequest {
  id: string;
  state: RequestState;
  /** The token label number it was (last) sent with; null = sent without a token. */
  token: number | null;
  replayed: boolean;
  /** resolved: the HTTP status; rejected: the error code. */
  outcome?: string;
}

export interface Env {
  now: number;
  /** The server has registered this WeChat user. */
  registered: boolean;
  profile: boolean;
  phone: boolean;
  /** Tokens issued to this phone: t1 … tN. */
  issued: number;
  /** When the newest token expires (epoch ms). */
  tokenExpiresAt: number;
  /** Tokens t1 … t(expiredUpTo) have expired, t1 … t(revokedUpTo) were revoked. */
  expiredUpTo: number;
  revokedUpTo: number;
  codes: number;
  /** Session-key generations: WeChat's current one, the one our server keeps, the pending consent payload's. */
  wechatKey: number;
  serverKey: number;
  payloadKey: number;
  requests: PageRequest[];
  nextRequest: number;
  pages: Page[];
  /** The navigations the app made since its process started (`redirectTo pages/share/index?…`). */
  navigations: string[];
  /** Calls still on the network that no invoke waits for any more (the machine left the state that made them). */
  orphans: string[];
  toasts: number;
  loading: boolean;
  /** Event types the server should have appended since the path began. */
  serverEvents: string[];
  /** What storage holds: the last resting state and its token label. */
  stored: string | null;
  /** Share pages waiting in `whenSignedIn`, and how many ran. */
  waiters: number;
  invitesAccepted: number;
  /** The phone's clock (ms since the install), as the trace counts it: WeChat's privacy gap and wx.login rule run on it. */
  phoneClock: number;
  /** The privacy guide's version, and the one the person agreed to (WeChat keeps it, across reinstalls). */
  guide: number;
  agreedGuide: number;
  /** Whether the guide declares the phone number, the avatar and nickname (errno 112 when not). */
  phoneDeclared: boolean;
  profileDeclared: boolean;
  /** WeChat refuses gated calls at once until then (phone clock), after its own popup was refused. */
  gapUntil: number;
  /** The gated call WeChat holds until the app's popup is answered (the SDK holds its resolve). */
  pendingGated: GatedCall | null;
  /** The held call was let go by the agree tap this step (its dialog follows). */
  released: GatedCall | null;
  /** Configuration failures reported to the operator (errno 112). */
  reports: number;
}

export function initialEnv(): Env {
  return {
    now: 1_900_000_000_000,
    registered: false, profile: false, phone: false,
    issued: 0, tokenExpiresAt: 0, expiredUpTo: 0, revokedUpTo: 0, codes: 0,
    wechatKey: 1, serverKey: 0, payloadKey: 0,
    requests: [], nextRequest: 1,
    pages: [], navigations: [], orphans: [], toasts: 0, loading: false,
    serverEvents: [], stored: null, waiters: 0, invitesAccepted: 0,
    // Agreed to the guide from the start, so that the scenarios before the gate keep their outcomes;
    // the world's guide update (a new data type) makes WeChat ask again.
    phoneClock: 0, guide: 1, agreedGuide: 1, phoneDeclared: true, profileDeclared: true, gapUntil: 0, pendingGated: null, released: null, reports: 0,
  };
}

export const privacyAgreed = (env: Env) => env.agreedGuide >= env.guide;

/** How long a pause lasts (`almostExpired`: until 30 s are left on the newest token). */
export function pauseMs(env: Env, after: 'minute' | 'week' | 'almostExpired'): number {
  if (after === 'almostExpired') return Math.max(0, env.tokenExpiresAt - 30_000 - env.now);
  return after === 'week' ? A_WEEK : A_MINUTE;
}

export const tokenLabel = (n: number) => `t${n}`;
export function tokenNumber(label: string | null): number | null {
  return label === null ? null : Number(label.slice(1));
}

/** Whether the server accepts token n, and if not, the error it answers. */
/**
 * What the server answers a token. Logging out everywhere also takes a token expired within
 * 30 days (server/routes/sessions.ts); the model's clock moves at most a week at a time.
 */
export function tokenVerdict(env: Env, n: number, route: 'any' | 'logoutAll' = 'any'): 'accepted' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' {
  if (n <= env.expiredUpTo && route !== 'logoutAll') return 'TOKEN_EXPIRED'; // the expiry is checked before the token version
  if (n <= env.revokedUpTo) return 'TOKEN_REVOKED';
  return 'accepted';
}

export const isAlive = (request: PageRequest) => request.state !== 'resolved' && request.state !== 'rejected';

function settle(env: Env, id: string, update: (request: PageRequest) => void): void {
  const request = env.requests.find((candidate) => candidate.id === id);
  if (request && isAlive(request)) update(request);
}

function transmit(env: Env, id: string, token: string | null): void {
  settle(env, id, (request) => {
    request.state = 'inflight';
    request.token = tokenNumber(token);
  });
}

function reject(env: Env, id: string, failure: LoginFailure | null): void {
  settle(env, id, (request) => {
    request.state = 'rejected';
    request.outcome = failure ? failure.code : 'LOGIN_GONE';
  });
}

/** The client's provided actions (client/session.ts), as effects on what the person and server see. */
export function applyEffect(env: Env, { action, context, event }: PlatformEffect): string | null {
  const requestId = 'requestId' in event ? (event as { requestId: string }).requestId : null;
  switch (action) {
    case 'redirectToLoginPage':
      if (!context.settings.loginPage) return null;
      env.pages = [{ route: pagePath(context.settings.loginPage), options: {} }];
      env.navigations.push(`reLaunch ${describePage(env.pages[0]!)}`);
      return action;
    case 'followDeepLink':
      if (!context.deepLink || !context.deepLink.path) return null;
      env.pages = [...env.pages.slice(0, -1), { route: pagePath(context.deepLink.path), options: { ...context.deepLink.query } }];
      env.navigations.push(`redirectTo ${describePage(env.pages[env.pages.length - 1]!)}`);
      return action;
    case 'replayQueuedRequests':
      for (const id of context.pendingRequests) transmit(env, id, context.token);
      return context.pendingRequests.length > 0 ? action : null;
    case 'rejectQueuedRequests':
      for (const id of context.pendingRequests) reject(env, id, context.error);
      return context.pendingRequests.length > 0 ? action : null;
    case 'replayRequest':
      if (requestId) transmit(env, requestId, context.token);
      return requestId ? action : null;
    case 'rejectRequest':
      if (requestId) reject(env, requestId, context.error);
      return requestId ? action : null;
    case 'showFailure':
      if (!context.error?.message) return null;
      env.toasts += 1;
      return action;
    case 'showBusy':
      env.loading = true;
      return action;
    case 'hideBusy':
      env.loading = false;
      return action;
    case 'showPrivacyPopup':
      return action;
    case 'agreePrivacy':
      // The agree tap let the held call go on (once); without one it had nothing to resolve.
      if (!env.pendingGated) return null;
      env.released = env.pendingGated;
      env.pendingGated = null;
      return action;
    case 'refusePrivacy':
      if (!env.pendingGated) return null;
      env.pendingGated = null; // the held call fails with errno 104, which the SDK already knows
      return action;
    case 'reportMisconfiguration':
      env.reports += 1;
      return action;
    default:
      throw new Error(`the test model does not know the platform action "${action}"`);
  }
}
