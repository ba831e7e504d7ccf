// The scenarios miniauth models, as event sequences. Each is played through the machine to draw
// its path and list its events; `ends` is checked, so a scenario that no longer ends where
// the design says fails generation instead of drawing a wrong picture.

import type { ConsentDraft, LoginGrant, SessionUser } from '../../machines/index.js';
import type { Scenario, Step } from './run-scenario.js';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOME = 'pages/index/index';
const SHARED = 'pages/share/index';
const LOGIN_PAGE = 'pages/login/index';

const newcomer: SessionUser = { id: 'u1', nickname: null, avatarUrl: null, phone: null };
const known: SessionUser = { id: 'u1', nickname: 'Mei', avatarUrl: 'https://cdn.example/mei.png', phone: null };
const profile: ConsentDraft = { kind: 'profile', nickname: 'Mei', avatarUrl: 'https://cdn.example/mei.png' };
const legacy: ConsentDraft = { kind: 'wechat', encryptedData: 'ZW5jcnlwdGVk', iv: 'aXY=', signature: 'c2ln', rawData: '{}' };

const grant = (n: number, user: SessionUser, isNew = false): LoginGrant =>
  ({ token: `token-${n}`, expiresAt: NOW + DAY, user, isNew });

const launch = (path = HOME, query: Record<string, string> = {}, now = NOW, note?: string): Step =>
  ({ send: { type: 'LAUNCH', path, query, now }, ...(note ? { note } : {}) });
const code = (n: number, note = 'wx.login gives a code'): Step => ({ done: 'wxLogin', output: { code: `code-${n}` }, note });
const granted = (n: number, user: SessionUser, note = 'POST /wx/login: a token'): Step =>
  ({ done: 'exchangeCode', output: grant(n, user), note });
const gone = (requestId: string, token: string, note?: string): Step =>
  ({ send: { type: 'LOGIN_GONE', requestId, token, replayed: false }, ...(note ? { note } : {}) });

/** A first launch that ends signed in with token-1. */
const signedIn = (user: SessionUser = known): Step[] => [launch(), code(1), granted(1, user)];

export const scenarios: Scenario[] = [
  {
    id: 'fresh-user',
    title: 'Fresh user',
    summary: 'No token on the phone: a silent login registers the user and stores the token. Where the app requires a profile, the login box then asks for it.',
    variants: [
      {
        title: 'Silent login',
        steps: [
          launch(HOME, {}, NOW, 'App.onLaunch, nothing stored'),
          code(1),
          { done: 'exchangeCode', output: grant(1, newcomer, true), note: 'POST /wx/login: the server registers the user (UserRegistered, UserLoggedIn)' },
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'The app requires a profile',
        settings: { profileRequired: true },
        steps: [
          launch(HOME, {}, NOW, 'App.onLaunch, nothing stored'),
          code(1),
          { done: 'exchangeCode', output: grant(1, newcomer, true), note: 'registered, but no nickname or avatar yet' },
          { send: { type: 'CONSENT', draft: profile }, note: 'the person fills in the login box' },
          { done: 'submitConsent', output: { user: known }, note: 'PUT /me/profile (ProfileUpdated)' },
        ],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'returning-user',
    title: 'Returning user, same phone',
    summary: 'The stored token is still live: signed in at once, with no wx.login and no network. The first API call proves it.',
    variants: [
      {
        title: 'Relaunch with a live token',
        given: signedIn(),
        relaunch: true,
        steps: [launch(HOME, {}, NOW + HOUR, 'App.onLaunch an hour later; the snapshot is restored from storage')],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'reinstall',
    title: 'Reinstall or new phone',
    summary: 'Storage is empty, so the path is a fresh user\'s; but the server finds the existing user: no new registration, the profile is kept, and no consent is asked again.',
    variants: [
      {
        title: 'Known user, profile required',
        settings: { profileRequired: true },
        steps: [
          launch(HOME, {}, NOW, 'App.onLaunch on a new phone: nothing stored'),
          code(1),
          granted(1, known, 'POST /wx/login: the existing user (UserLoggedIn only), profile kept'),
        ],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'token-expiry',
    title: 'Token expiry or revocation',
    summary: 'An API answer that says the login is gone (HTTP 401 or `code: -1`) clears the token and starts one silent re-login for every request in flight; each is replayed once with the new token. Re-login is capped: past the cap the error reaches the callers.',
    variants: [
      {
        title: 'Three requests, one re-login',
        given: signedIn(),
        steps: [
          gone('r1', 'token-1', 'GET /me answers 401 TOKEN_EXPIRED'),
          gone('r2', 'token-1', 'a second request with the same token: it waits'),
          { send: { type: 'QUEUE_REQUEST', requestId: 'r3' }, note: 'a new request while re-logging in: it waits' },
          code(2),
          granted(2, known, 'POST /wx/login: token-2; r1, r2 and r3 are replayed with it'),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'A late answer for the replaced token',
        given: [...signedIn(), gone('r1', 'token-1'), code(2), granted(2, known)],
        steps: [gone('r2', 'token-1', 'a request sent with token-1 answers 401 after token-2 arrived: replayed, no new login')],
        ends: 'session.signedIn',
      },
      {
        title: 'Expired by the clock at launch',
        given: signedIn(),
        relaunch: true,
        steps: [
          launch(HOME, {}, NOW + 2 * DAY, 'App.onLaunch two days later: the stored token has expired'),
          code(2),
          granted(2, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'The re-login cap',
        given: signedIn(),
        steps: [
          gone('r1', 'token-1'),
          code(2),
          granted(2, known),
          gone('r2', 'token-2', 'the fresh token is refused too'),
          code(3),
          granted(3, known),
          gone('r3', 'token-3', 'refused again: the cap (2) is reached, callers get RELOGIN_CAP_REACHED'),
        ],
        ends: 'failed.stopped',
      },
    ],
  },
  {
    id: 'share-deep-link',
    title: 'Share deep link',
    summary: 'The app opens on page P with query Q from a shared card. Component mode: P waits with `whenSignedIn(fn)`. Login-page mode: a person who is not signed in is sent to the login page with P and Q kept, and after login `redirectTo(P?Q)`, so "back" never shows the login page.',
    variants: [
      {
        title: 'Component mode',
        steps: [
          launch(SHARED, { id: '42' }, NOW, 'opened from a shared card; the page defers its work with whenSignedIn'),
          code(1),
          granted(1, newcomer, 'signed in: the page\'s whenSignedIn callbacks run'),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Login-page mode',
        settings: { loginPage: LOGIN_PAGE },
        steps: [
          launch(SHARED, { id: '42' }, NOW, 'opened from a shared card: reLaunch to the login page, P and Q kept'),
          code(1),
          granted(1, newcomer, 'signed in: redirectTo pages/share/index?id=42'),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Login-page mode, signed out',
        settings: { loginPage: LOGIN_PAGE },
        given: [launch(LOGIN_PAGE), code(1), granted(1, known), { send: { type: 'LOGOUT' } }],
        relaunch: true,
        steps: [
          launch(SHARED, { id: '42' }, NOW + HOUR, 'a signed-out person opens a shared card: the login page, P and Q kept'),
          { send: { type: 'LOGIN' }, note: 'the person taps "log in"' },
          code(2),
          granted(2, known, 'signed in: redirectTo pages/share/index?id=42'),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Login-page mode, profile still missing',
        settings: { loginPage: LOGIN_PAGE, profileRequired: true },
        given: [launch(LOGIN_PAGE), code(1), granted(1, newcomer)],
        relaunch: true,
        steps: [
          launch(SHARED, { id: '42' }, NOW + HOUR, 'a live token but no profile: the login page shows the box, P and Q kept'),
          { send: { type: 'CONSENT', draft: profile } },
          { done: 'submitConsent', output: { user: known }, note: 'profile saved: redirectTo pages/share/index?id=42' },
        ],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'denied-consent',
    title: 'Denied consent',
    summary: 'The person refuses the profile or phone dialog: no request is sent, the box stays with an explanation, a retry is possible, and the silent session is unaffected.',
    variants: [
      {
        title: 'Profile refused, then given',
        settings: { profileRequired: true },
        given: signedIn(newcomer),
        steps: [
          { send: { type: 'DENY' }, note: 'the person taps "no": nothing is sent, the box explains' },
          { send: { type: 'CONSENT', draft: profile }, note: 'changes their mind' },
          { done: 'submitConsent', output: { user: known } },
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Phone number refused, then given',
        given: signedIn(),
        steps: [
          { send: { type: 'DENY' }, note: 'the getPhoneNumber dialog is refused: still signed in' },
          { send: { type: 'BIND_PHONE', code: 'phone-code-1' }, note: 'tapped again and allowed' },
          { done: 'bindPhone', output: { user: { ...known, phone: '138****0000' } }, note: 'POST /me/phone (PhoneNumberBound)' },
        ],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'failures',
    title: 'Failures',
    summary: 'Each failure ends in a typed reason with its own retry policy: busy → back off; rate limit → wait; bad or used code → a fresh wx.login; network or server trouble → back off, then the person retries; a risk-blocked user → no retry.',
    variants: [
      {
        title: 'WeChat busy',
        steps: [
          launch(),
          code(1),
          { fail: 'exchangeCode', error: { reason: 'busy', code: 'WECHAT_BUSY', errcode: -1, status: 503 }, note: 'WeChat errcode -1' },
          { wait: 1000, note: 'backoff (1 s, doubling)' },
          code(2, 'a fresh code'),
          granted(1, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'A used code',
        steps: [
          launch(),
          code(1),
          { fail: 'exchangeCode', error: { reason: 'codeUsed', code: 'WECHAT_CODE_USED', errcode: 40163, status: 400 }, note: 'WeChat errcode 40163: at once, a fresh code' },
          code(2, 'a fresh code'),
          granted(1, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Rate limited',
        steps: [
          launch(),
          code(1),
          { fail: 'exchangeCode', error: { reason: 'rateLimited', code: 'WECHAT_RATE_LIMITED', errcode: 45011, status: 429, retryAfterSeconds: 30 }, note: 'WeChat errcode 45011, Retry-After 30 s' },
          { wait: 30_000, note: 'no tight retry: wait as told' },
          code(2, 'a fresh code'),
          granted(1, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'wx.login fails, then the network is down',
        steps: [
          launch(),
          { fail: 'wxLogin', error: { reason: 'wxLogin', code: 'WX_LOGIN_FAILED', errMsg: 'login:fail' }, note: 'wx.login:fail' },
          { wait: 1000 },
          code(1),
          { fail: 'exchangeCode', error: { reason: 'network', code: 'NETWORK', errMsg: 'request:fail timeout' }, note: 'no answer from the server' },
          { wait: 2000 },
          code(2),
          { fail: 'exchangeCode', error: { reason: 'network', code: 'NETWORK', errMsg: 'request:fail timeout' }, note: 'automatic retries spent: a toast, the box offers a retry' },
          { send: { type: 'RETRY' }, note: 'the person taps "retry" when back online' },
          code(3),
          granted(1, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'A risk-blocked user',
        steps: [
          launch(),
          code(1),
          { fail: 'exchangeCode', error: { reason: 'blocked', code: 'WECHAT_USER_BLOCKED', errcode: 40226, status: 403 }, note: 'WeChat errcode 40226: no retry, the person is told' },
        ],
        ends: 'failed.blocked',
      },
      {
        title: 'A legacy payload that does not decrypt',
        settings: { profileRequired: true },
        given: signedIn(newcomer),
        steps: [
          { send: { type: 'CONSENT', draft: legacy }, note: 'getUserProfile\'s encrypted payload' },
          { fail: 'submitConsent', error: { reason: 'decrypt', code: 'OPEN_DATA_DECRYPT_FAILED', errcode: -41003, status: 400 }, note: '-41003: a stale session_key' },
          { done: 'consentCode', output: { code: 'code-2' }, note: 'only now a fresh wx.login, after the payload was sent' },
          { done: 'resendConsent', output: { user: known }, note: 'the same payload again, with the fresh code' },
        ],
        ends: 'session.signedIn',
      },
    ],
  },
  {
    id: 'double-taps',
    title: 'Double taps',
    summary: 'Repeated login or consent events while one is in flight change nothing: the `logining` flag of hand-written login code, expressed as a state.',
    variants: [
      {
        title: 'Consent tapped twice',
        settings: { profileRequired: true },
        given: signedIn(newcomer),
        steps: [
          { send: { type: 'CONSENT', draft: profile } },
          { send: { type: 'CONSENT', draft: profile }, note: 'the second tap: ignored, one request' },
          { done: 'submitConsent', output: { user: known } },
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Log in tapped twice',
        given: [...signedIn(), { send: { type: 'LOGOUT' } }],
        steps: [
          { send: { type: 'LOGIN' } },
          { send: { type: 'LOGIN' }, note: 'the second tap: ignored, one wx.login' },
          code(2),
          granted(2, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Logout everywhere tapped twice',
        given: signedIn(),
        steps: [
          { send: { type: 'LOGOUT_EVERYWHERE' } },
          { send: { type: 'LOGOUT_EVERYWHERE' }, note: 'the second tap: ignored' },
          { done: 'revokeSessions', note: 'POST /auth/logout-all (SessionsRevoked)' },
        ],
        ends: 'signedOut',
      },
    ],
  },
  {
    id: 'logout-and-background',
    title: 'Logout, logout everywhere, and back from background',
    summary: 'Logout forgets the session on this phone; logout everywhere revokes every token of the user first. `onShow` re-checks expiry by the clock, because timers do not run while the app is in the background.',
    variants: [
      {
        title: 'Logout',
        given: signedIn(),
        steps: [
          { send: { type: 'LOGOUT' }, note: 'token and user forgotten on this phone' },
          launch(HOME, {}, NOW + HOUR, 'the app is opened again: still signed out'),
          { send: { type: 'LOGIN' }, note: 'the person logs in' },
          code(2),
          granted(2, known),
        ],
        ends: 'session.signedIn',
      },
      {
        title: 'Logout everywhere',
        given: signedIn(),
        steps: [
          { send: { type: 'LOGOUT_EVERYWHERE' } },
          { done: 'revokeSessions', note: 'POST /auth/logout-all: every device\'s token is refused from now on' },
        ],
        ends: 'signedOut',
      },
      {
        title: 'Back from the background',
        given: signedIn(),
        steps: [
          { send: { type: 'SHOW', now: NOW + HOUR }, note: 'onShow an hour later: the token is live, nothing to do' },
          { send: { type: 'SHOW', now: NOW + 2 * DAY }, note: 'onShow two days later: expired by the clock' },
          code(2),
          granted(2, known),
        ],
        ends: 'session.signedIn',
      },
    ],
  },
];
