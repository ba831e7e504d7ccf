// The scenarios the design documents (docs/flows.md plays them through the machine), as events
// of the test model: what the person does, what WeChat, the network and the server answer. Their
// outcomes are committed in ./outcomes.json for review; the model's settings apply (one
// automatic retry per login, one silent re-login before the error reaches the caller).

import type { ModelEvent, PageName } from '../model/alphabet.js';
import type { AppConfig } from '../model/environment.js';
import type { Ending } from '../model/outcomes.js';

export interface DocumentedScenario {
  /** Stable key in outcomes.json. */
  id: string;
  /** Where the documentation tells it: the design's scenario number, docs/flows.md's heading. */
  title: string;
  events: ModelEvent[];
}

const install = (mode: AppConfig['mode'], profile: AppConfig['profile'], privacy: AppConfig['privacy'] = 'wechat'): ModelEvent => ({
  type: 'INSTALL', mode, profile, privacy,
});
const launch = (page: PageName = 'share'): ModelEvent => ({ type: 'LAUNCH', page });
const end = (invoke: string, ending: Ending = 'done'): ModelEvent => ({ type: 'END', invoke, ending });
const timer = (delay: 'backoff' | 'rateLimitWait'): ModelEvent => ({
  type: 'TIMER', delay, eventType: delay === 'backoff' ? 'xstate.after.backoff.login.authenticating.backingOff' : 'xstate.after.rateLimitWait.login.failed.coolingDown',
});
const LOGGED_IN: ModelEvent[] = [end('wxLogin'), end('exchangeCode')];
const request: ModelEvent = { type: 'REQUEST' };
const answer: ModelEvent = { type: 'ANSWER' };
const revoked: ModelEvent = { type: 'REVOKE_ELSEWHERE' };
const consent = (kind: 'profile' | 'wechat' = 'profile'): ModelEvent => ({ type: 'CONSENT', kind });
const tap = (type: 'LOGIN' | 'RETRY' | 'LOGOUT' | 'LOGOUT_EVERYWHERE' | 'DENY' | 'BIND_PHONE'): ModelEvent => ({ type });

const component = install('component', 'none');
const componentProfile = install('component', 'required');
const loginPage = install('loginPage', 'none');
const popupApp = install('component', 'none', 'popup');
const GUIDE_UPDATED: ModelEvent = { type: 'GUIDE_UPDATED' };

export const SCENARIOS: readonly DocumentedScenario[] = [
  { id: 'fresh-user/silent-login', title: '1. Fresh user: silent login', events: [component, launch(), ...LOGGED_IN] },
  {
    id: 'fresh-user/profile-required', title: '1. Fresh user: the app requires a profile',
    events: [componentProfile, launch(), ...LOGGED_IN, consent(), end('submitConsent')],
  },
  {
    id: 'returning-user/live-token', title: '2. Returning user, same phone: relaunch with a live token, the first API call proves it',
    events: [component, launch(), ...LOGGED_IN, { type: 'RELAUNCH', page: 'share', after: 'minute' }, request, answer],
  },
  {
    id: 'reinstall/known-user', title: '3. Reinstall or new phone: known user, profile required',
    events: [componentProfile, launch(), ...LOGGED_IN, consent(), end('submitConsent'), { type: 'REINSTALL', page: 'share' }, ...LOGGED_IN],
  },
  {
    id: 'token-expiry/one-relogin', title: '4. Token expiry or revocation: three requests, one re-login',
    events: [component, launch(), ...LOGGED_IN, request, request, revoked, answer, answer, request, ...LOGGED_IN, answer, answer, answer],
  },
  {
    id: 'token-expiry/late-answer', title: '4. Token expiry or revocation: a late answer for the replaced token',
    events: [component, launch(), ...LOGGED_IN, request, request, revoked, answer, ...LOGGED_IN, answer, answer, answer],
  },
  {
    id: 'token-expiry/expired-at-launch', title: '4. Token expiry or revocation: expired by the clock at launch',
    events: [component, launch(), ...LOGGED_IN, { type: 'RELAUNCH', page: 'share', after: 'week' }, ...LOGGED_IN],
  },
  {
    id: 'token-expiry/about-to-expire', title: '4. Token expiry or revocation: a token about to expire counts as expired at launch (clock drift)',
    events: [component, launch(), ...LOGGED_IN, { type: 'RELAUNCH', page: 'share', after: 'almostExpired' }, ...LOGGED_IN],
  },
  {
    id: 'token-expiry/relogin-cap', title: '4. Token expiry or revocation: the re-login cap',
    events: [component, launch(), ...LOGGED_IN, request, revoked, answer, ...LOGGED_IN, revoked, answer],
  },
  { id: 'share-deep-link/component', title: '5. Share deep link: component mode', events: [component, launch(), ...LOGGED_IN] },
  { id: 'share-deep-link/login-page', title: '5. Share deep link: login-page mode', events: [loginPage, launch(), ...LOGGED_IN] },
  {
    id: 'share-deep-link/signed-out', title: '5. Share deep link: login-page mode, signed out',
    events: [loginPage, launch('login'), ...LOGGED_IN, tap('LOGOUT'), { type: 'RELAUNCH', page: 'share', after: 'minute' }, tap('LOGIN'), ...LOGGED_IN],
  },
  {
    id: 'share-deep-link/profile-missing', title: '5. Share deep link: login-page mode, profile still missing',
    events: [install('loginPage', 'required'), launch('login'), ...LOGGED_IN, { type: 'RELAUNCH', page: 'share', after: 'minute' }, consent(), end('submitConsent')],
  },
  {
    id: 'denied-consent/profile', title: '6. Denied consent: profile refused, then given',
    events: [componentProfile, launch(), ...LOGGED_IN, tap('DENY'), consent(), end('submitConsent')],
  },
  {
    id: 'denied-consent/phone', title: '6. Denied consent: phone number refused, then given',
    events: [component, launch(), ...LOGGED_IN, tap('DENY'), tap('BIND_PHONE'), end('bindPhone')],
  },
  {
    id: 'failures/busy', title: '7. Failures: WeChat busy',
    events: [component, launch(), end('wxLogin'), end('exchangeCode', 'busy'), timer('backoff'), ...LOGGED_IN],
  },
  {
    id: 'failures/code-used', title: '7. Failures: a used code',
    events: [component, launch(), end('wxLogin'), end('exchangeCode', 'codeUsed'), ...LOGGED_IN],
  },
  {
    id: 'failures/rate-limited', title: '7. Failures: rate limited',
    events: [component, launch(), end('wxLogin'), end('exchangeCode', 'rateLimited'), timer('rateLimitWait'), ...LOGGED_IN],
  },
  {
    id: 'failures/wx-login-then-network', title: '7. Failures: wx.login fails, then the network is down',
    events: [component, launch(), request, end('wxLogin', 'wxLogin'), timer('backoff'), end('wxLogin'), end('exchangeCode', 'network'), tap('RETRY'), ...LOGGED_IN],
  },
  {
    id: 'failures/blocked', title: '7. Failures: a risk-blocked user',
    events: [component, launch(), request, end('wxLogin'), end('exchangeCode', 'blocked'), tap('RETRY'), tap('LOGIN')],
  },
  {
    id: 'failures/legacy-payload', title: '7. Failures: a legacy payload that does not decrypt',
    events: [componentProfile, launch(), ...LOGGED_IN, { type: 'KEY_RENEWED' }, consent('wechat'), end('submitConsent', 'decrypt'), end('consentCode'), end('resendConsent')],
  },
  {
    id: 'double-taps/consent', title: '8. Double taps: consent tapped twice',
    events: [componentProfile, launch(), ...LOGGED_IN, consent(), consent(), end('submitConsent')],
  },
  {
    id: 'double-taps/login', title: '8. Double taps: log in tapped twice',
    events: [component, launch(), ...LOGGED_IN, tap('LOGOUT'), tap('LOGIN'), tap('LOGIN'), ...LOGGED_IN],
  },
  {
    id: 'double-taps/logout-everywhere', title: '8. Double taps: logout everywhere tapped twice',
    events: [component, launch(), ...LOGGED_IN, tap('LOGOUT_EVERYWHERE'), tap('LOGOUT_EVERYWHERE'), end('revokeSessions')],
  },
  {
    id: 'logout/here', title: '9. Logout: signed out across a relaunch until the person logs in',
    events: [component, launch(), ...LOGGED_IN, tap('LOGOUT'), { type: 'RELAUNCH', page: 'share', after: 'minute' }, tap('LOGIN'), ...LOGGED_IN],
  },
  {
    id: 'logout/everywhere', title: '9. Logout everywhere',
    events: [component, launch(), ...LOGGED_IN, tap('LOGOUT_EVERYWHERE'), end('revokeSessions')],
  },
  {
    id: 'logout/back-from-background', title: '9. Back from the background',
    events: [component, launch(), ...LOGGED_IN, { type: 'SHOW', after: 'minute' }, { type: 'SHOW', after: 'week' }, ...LOGGED_IN],
  },
  {
    id: 'erasure/from-another-phone', title: 'Erasure (docs/privacy.md): the data erased from another phone, a fresh account at the next login',
    events: [componentProfile, launch(), ...LOGGED_IN, consent(), end('submitConsent'), request, { type: 'ERASED' }, answer, ...LOGGED_IN, answer],
  },
  {
    id: 'erasure/from-this-phone', title: 'Erasure from this phone: DELETE /me, signed out, no silent login registers a new account',
    events: [component, launch(), ...LOGGED_IN, { type: 'ERASE' }, end('eraseAccount'), { type: 'RELAUNCH', page: 'share', after: 'minute' }],
  },
  {
    id: 'privacy/consent-given', title: "10. Privacy consent: the app's popup agreed, the held phone tap goes on once",
    events: [popupApp, launch(), ...LOGGED_IN, GUIDE_UPDATED, tap('BIND_PHONE'), { type: 'PRIVACY_AGREE' }, end('bindPhone'), { type: 'PRIVACY_AGREE' }],
  },
  {
    id: 'privacy/refused', title: "10. Privacy consent: the app's popup refused, nothing sent, asked again at the next tap",
    events: [popupApp, launch(), ...LOGGED_IN, GUIDE_UPDATED, tap('BIND_PHONE'), { type: 'PRIVACY_REFUSE' }, tap('BIND_PHONE')],
  },
  {
    id: 'privacy/in-gap', title: "10. Privacy consent: WeChat's own popup refused, a tap in its 10 s gap, then agreed",
    events: [
      component, launch(), ...LOGGED_IN, GUIDE_UPDATED, { type: 'BIND_PHONE', wechatPopup: 'refuse' }, tap('BIND_PHONE'),
      { type: 'TIMER', delay: 'privacyGap', eventType: 'xstate.after.privacyGap.login.session.privacy.inGap' }, tap('BIND_PHONE'), end('bindPhone'),
    ],
  },
  {
    id: 'privacy/not-declared', title: '10. Privacy consent: the guide lacks the phone number (errno 112), reported once, never asked',
    events: [component, launch(), ...LOGGED_IN, { type: 'UNDECLARED', scope: 'phone' }, tap('BIND_PHONE'), tap('BIND_PHONE')],
  },
  {
    id: 'privacy/guide-updated', title: '10. Privacy consent: agreed, then the guide declares a new data type and asks again',
    events: [
      popupApp, launch(), ...LOGGED_IN, { type: 'PRIVACY_CHECK' }, end('checkPrivacy'), GUIDE_UPDATED, { type: 'PRIVACY_CHECK' },
      end('checkPrivacy'), { type: 'PRIVACY_AGREE' },
    ],
  },
];
