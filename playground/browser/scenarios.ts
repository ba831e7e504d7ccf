// The situations of the scenarios miniauth models, each set up on a phone in one click. After that the
// person plays on with the tap buttons; the story says what to try and what to look for.

import { StageError } from './stage.js';
import type { Stage } from './stage.js';

export interface Scenario {
  id: string;
  title: string;
  /** What was set up, what to tap, and what to watch. */
  story: string[];
  play(stage: Stage): Promise<void>;
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'new-user',
    title: 'New user',
    story: [
      'A fresh phone opens the app: no token, so a silent login (wx.login, then POST /wx/login) registers the user.',
      'The app requires a profile, so the login box waits in awaitingConsent: tap "Share my profile" or "Fill in name and avatar".',
      'Server events: UserRegistered, UserLoggedIn, then ProfileUpdated.',
    ],
    async play(stage) {
      stage.newPhone().launch();
    },
  },
  {
    id: 'same-phone',
    title: 'Same phone, app reopened',
    story: [
      'The app restarts on the same phone: the stored token signs the person in at once, with no wx.login and no network.',
      'The first API call (GET /me, made for you) proves the token. No new server event.',
    ],
    async play(stage) {
      const old = stage.signedInPhone();
      const openid = await old.openid();
      stage.newPhone({ openid, storage: old.storage }).launch();
      await stage.callMe();
    },
  },
  {
    id: 'reinstall',
    title: 'Reinstall or new phone',
    story: [
      'Storage is empty, but WeChat knows the person: the silent login finds the existing user.',
      'No UserRegistered this time, the profile is kept and no consent is asked again.',
    ],
    async play(stage) {
      const openid = await stage.signedInPhone().openid();
      stage.newPhone({ openid }).launch();
    },
  },
  {
    id: 'token-expired',
    title: 'Token expired',
    story: [
      'The app slept in the background longer than the token lives. Back in the foreground, the machine checks the clock (timers do not run in the background):',
      'reauthenticating does one silent re-login, then signedIn with a new token. Then try "Server revokes tokens" and "Call GET /me": the 401 starts one re-login and the call is replayed.',
    ],
    async play(stage) {
      await stage.tokenLifetimePasses();
    },
  },
  {
    id: 'shared-card',
    title: 'Shared card, new user',
    story: [
      'A new user taps a card shared in a chat: the app opens on pages/share/index?invite=42 in login-page mode.',
      'The machine keeps the page and query, sends the person to the login page, and after login redirects back: the stack holds one page, so "back" never shows the login page.',
      'Tap "Share my profile" on the login page.',
    ],
    async play(stage) {
      stage.app.loginPageMode = true;
      stage.newPhone().launch('pages/share/index', { invite: '42' }, 1007);
    },
  },
  {
    id: 'consent-denied',
    title: 'Consent denied',
    story: [
      'This person will refuse the profile dialog. Tap "Share my profile": nothing is sent, the box stays (consentDenied) and the silent session still works (try GET /me).',
      'Then set "Profile dialog answer" to allow and tap again.',
    ],
    async play(stage) {
      stage.app.profileRequired = true;
      stage.world.profileAnswer = 'deny';
      stage.newPhone().launch();
    },
  },
  {
    id: 'network-down',
    title: 'Network down',
    story: [
      'The phone is offline: wx.login fails, the machine backs off and tries again, then stops in failed with a typed reason and a toast.',
      'Set "Network" to online and tap "Retry".',
    ],
    async play(stage) {
      stage.world.network = 'offline';
      stage.newPhone().launch();
    },
  },
  {
    id: 'wechat-busy',
    title: 'WeChat busy',
    story: [
      'WeChat answers the next two code exchanges with errcode -1 (system busy): each ends in backingOff, then a fresh wx.login code.',
      'The third attempt signs the person in. The server recorded both failures (LoginFailed, with WeChat\'s rid).',
    ],
    async play(stage) {
      stage.world.network = 'online';
      await stage.wechatBusy(2);
      stage.newPhone().launch();
    },
  },
  {
    id: 'privacy-consent',
    title: 'Privacy popup: agreed',
    story: [
      'Since 2023-10 WeChat holds back phone numbers, avatars and nicknames until the person agrees to the app\'s privacy guide. This phone has not agreed yet, and the app shows its own popup.',
      'Tap "Bind phone": WeChat holds the tap and asks the SDK (session.privacy.needed, the popup\'s exposure reported). Tap "Privacy popup: Agree": the held tap goes on, once, and the number is bound (PhoneNumberBound).',
    ],
    async play(stage) {
      stage.app = { ...stage.app, profileRequired: false, privacyPopup: true };
      stage.newPhone({ privacy: { agreedVersion: 0 } }).launch();
    },
  },
  {
    id: 'privacy-refused',
    title: 'Privacy popup: refused',
    story: [
      'The same phone that has not agreed. Tap "Bind phone", then "Privacy popup: Not now": the held tap fails (errno 104), nothing is sent, no phone code is paid for, and the page explains (PRIVACY_REFUSED).',
      'Tap "Bind phone" again: the popup asks again.',
    ],
    async play(stage) {
      stage.app = { ...stage.app, profileRequired: false, privacyPopup: true };
      stage.newPhone({ privacy: { agreedVersion: 0 } }).launch();
    },
  },
  {
    id: 'privacy-in-gap',
    title: 'WeChat\'s privacy popup refused: the 10 s gap',
    story: [
      'The app has no popup of its own, so WeChat shows its own, and this person refuses it. Tap "Bind phone": refused (errno 104).',
      'Tap it again within 10 s: WeChat refuses at once ("… in gap"), session.privacy.inGap. After 10 s, set "WeChat\'s privacy popup" to agree and tap again: the number is bound.',
    ],
    async play(stage) {
      stage.app = { ...stage.app, profileRequired: false, privacyPopup: false };
      stage.world.privacyAnswer = 'refuse';
      stage.newPhone({ privacy: { agreedVersion: 0 } }).launch();
    },
  },
  {
    id: 'privacy-not-declared',
    title: 'Privacy guide lacks the phone number',
    story: [
      'The operator\'s privacy guide does not declare the phone number: WeChat answers errno 112 without asking anyone.',
      'Tap "Bind phone" (twice): a configuration failure (PRIVACY_SCOPE_UNDECLARED) the page can explain and the operator is told of once; the person is never shown the popup.',
    ],
    async play(stage) {
      stage.app = { ...stage.app, profileRequired: false, privacyPopup: true };
      stage.newPhone({ privacy: { undeclared: ['getPhoneNumber'] } }).launch();
    },
  },
  {
    id: 'privacy-guide-updated',
    title: 'Privacy guide updated',
    story: [
      'The person agreed to the guide, then the operator declared a new data type: WeChat asks again.',
      'Tap "Fill in name and avatar": the popup shows; tap "Privacy popup: Agree", then "Fill in name and avatar" again to share the profile.',
    ],
    async play(stage) {
      stage.app = { ...stage.app, profileRequired: true, privacyPopup: true };
      stage.newPhone({ privacy: { agreedVersion: 1, guideVersion: 2 } }).launch();
    },
  },
];

export function scenarioById(id: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id);
  if (!scenario) throw new StageError(`No scenario "${id}".`);
  return scenario;
}
