// Properties of consent: a refusal sends nothing and keeps what the person had, consent from the
// box is sent, a profile the server keeps is not asked for again, and the legacy payload is
// never separated from its session key by a new wx.login.

import type { Property } from './property.js';
import { callList } from './property.js';

const PROFILE_ROUTES = new Set(['PUT /me/profile', 'POST /me/profile/wechat']);

export const deniedConsentSendsNothing: Property = {
  id: 'denied-consent-sends-nothing',
  requirements: ['R8'],
  says: 'A refused dialog (profile or phone number) sends nothing, navigates nowhere, and leaves the silent session and the consent box as they were.',
  monitor: () => ({ step, previous }) => {
    if (step.event.type !== 'DENY' || !previous) return null;
    if (step.started.length > 0 || step.navigations.length > 0 || step.serverEvents.length > 0) {
      return `a refusal sent ${callList(step.started)}${step.navigations.length ? `, navigated ${step.navigations.join(', ')}` : ''}`;
    }
    const kept = step.shows.signedIn === previous.shows.signedIn && step.shows.needsConsent === previous.shows.needsConsent;
    return kept ? null : 'a refusal changed whether the person is signed in or sees the consent box';
  },
};

export const consentFromTheBox: Property = {
  id: 'consent-from-the-box',
  requirements: ['R8'],
  says: 'Consent given in the box (also after a refusal) is sent at once, as one profile call carrying the token, and nothing else, once past the privacy gate (its popup, or its refusal explained).',
  monitor: () => {
    let undeclared = false; // the guide lacks the profile: WeChat refuses every such tap (errno 112)
    return ({ step, previous }) => {
      if (step.event.type === 'REINSTALL') undeclared = false;
      if (step.explains?.endsWith('/PRIVACY_SCOPE_UNDECLARED')) undeclared = true;
      if (step.event.type !== 'CONSENT' || !previous?.shows.needsConsent || previous.shows.busy) return null;
      if (undeclared || step.shows.privacyPopup || /\/PRIVACY_/.test(step.explains ?? '')) return null; // the gate stopped the tap
      const [call, ...more] = step.started;
      const sent = call !== undefined && more.length === 0 && PROFILE_ROUTES.has(call.route) && call.token !== null;
      return sent ? null : `consent from the box sent ${callList(step.started)}`;
    };
  },
};

export const profileNotAskedAgain: Property = {
  id: 'profile-not-asked-again',
  requirements: ['R8'],
  says: 'Once the server keeps the person\'s profile, the consent box is not shown again (new phone and relaunch included), until the data is erased.',
  monitor: () => {
    let kept = false;
    return ({ step }) => {
      for (const event of step.serverEvents) {
        if (event === 'ProfileUpdated') kept = true;
        if (event === 'UserErased') kept = false;
      }
      return kept && step.shows.needsConsent ? 'the consent box asks for a profile the server already keeps' : null;
    };
  },
};

const SUBMISSIONS = new Set(['PUT /me/profile', 'POST /me/profile/wechat', 'POST /me/phone', 'POST /auth/logout-all']);

export const failedSubmissionShown: Property = {
  id: 'failed-submission-shown',
  requirements: ['R3'],
  says: 'A submission the app gives up on (a profile, a phone number, logging out everywhere) tells the person: a toast, unless a new login or resend is under way for it or the person is signed out.',
  monitor: () => ({ step }) => {
    const { answered } = step;
    if (!answered || !SUBMISSIONS.has(answered.call.route) || answered.answer === 'ok') return null;
    if (step.started.length > 0 || step.shows.signedOut || step.toastsShown > 0) return null;
    return `${answered.call.text} failed (${answered.answer}) and the person was told nothing`;
  },
};

export const payloadBeforeNewCode: Property = {
  id: 'payload-before-new-code',
  requirements: ['R11'],
  says: "No wx.login starts between taking WeChat's encrypted profile and sending it, nor while it is on its way (a new code can rotate the key it was sealed with).",
  monitor: () => ({ step, previous }) => {
    const codes = step.started.filter((call) => call.kind === 'wx.login');
    if (codes.length === 0) return null;
    if (step.event.type === 'CONSENT' && step.event.kind === 'wechat') return 'a wx.login before the encrypted profile was sent';
    const payloadOut = (calls: ReadonlyArray<{ route: string }>) => calls.some((call) => call.route === 'POST /me/profile/wechat');
    const answered = step.answered?.call.route === 'POST /me/profile/wechat' ? 1 : 0;
    const stillOut = (previous ? previous.waiting.filter((call) => call.route === 'POST /me/profile/wechat').length : 0) - answered;
    return stillOut > 0 || payloadOut(step.started) ? 'a wx.login while the encrypted profile is on its way' : null;
  },
};
