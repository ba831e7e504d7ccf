// Properties of the privacy gate (WeChat since 2023-10): the silent login never waits on it, a
// refusal sends nothing, the agree tap lets the held call go on exactly once, and a data type
// missing from the guide is reported to the operator once and never asked for.

import type { Property } from './property.js';
import { callList } from './property.js';
import type { TraceStep } from './trace.js';

const GATE_REFUSALS = /\/PRIVACY_(REFUSED|IN_GAP|SCOPE_UNDECLARED)$/;
const phoneCalls = (step: TraceStep) => step.started.filter((call) => call.route === 'POST /me/phone');

export const popupOnlyInSession: Property = {
  id: 'privacy-popup-only-in-session',
  requirements: ['R13'],
  says: 'The privacy popup shows only to a person signed in or looking at the consent box: the silent login never waits on it.',
  monitor: () => ({ step }) =>
    (step.shows.privacyPopup && !step.shows.signedIn && !step.shows.needsConsent ? 'the privacy popup shows outside the session' : null),
};

export const privacyRefusalSendsNothing: Property = {
  id: 'privacy-refusal-sends-nothing',
  requirements: ['R13'],
  says: 'Refusing the privacy guide (the app\'s popup, WeChat\'s own, its 10 s gap, a data type it lacks) sends nothing, navigates nowhere and records nothing on the server.',
  monitor: () => ({ step, previous }) => {
    const refusedNow = step.event.type === 'PRIVACY_REFUSE'
      || (GATE_REFUSALS.test(step.explains ?? '') && step.explains !== previous?.explains);
    if (!refusedNow) return null;
    if (step.started.length > 0 || step.serverEvents.length > 0 || step.navigations.length > 0) {
      return `a privacy refusal sent ${callList(step.started)}${step.serverEvents.length ? `, the server recorded ${step.serverEvents.join(', ')}` : ''}`;
    }
    return null;
  },
};

export const agreeLetsTheCallGoOnce: Property = {
  id: 'privacy-agree-once',
  requirements: ['R13'],
  says: 'The agree tap lets the call the popup held go on exactly once (a held phone tap binds the number with one POST /me/phone), and a tap with nothing held sends nothing: a double tap never resolves twice.',
  monitor: () => {
    let heldPhone = false;
    return ({ step, previous }) => {
      if (step.launch) heldPhone = false;
      if (step.event.type === 'BIND_PHONE' && step.shows.privacyPopup && step.started.length === 0) heldPhone = true;
      // WeChat holds one call: another gated tap (the avatar, the profile dialog) takes the phone's place.
      if (step.event.type === 'PRIVACY_REFUSE' || (step.event.type === 'CONSENT' && step.shows.privacyPopup)) heldPhone = false;
      if (step.event.type !== 'PRIVACY_AGREE') return null;
      const phone = phoneCalls(step).length;
      const popupWasOpen = previous?.shows.privacyPopup === true;
      const wanted = heldPhone && popupWasOpen ? 1 : 0;
      if (popupWasOpen) heldPhone = false;
      // A phone binding after the agree needs a signed-in person with the token the server accepts: the call goes out.
      if (phone > wanted) return `the agree tap sent ${phone} phone binding(s), ${wanted} held`;
      if (wanted === 1 && phone === 0 && step.shows.signedIn && !step.shows.busy) return 'the agree tap let the held phone tap go nowhere';
      if (!popupWasOpen && step.started.length > 0) return `an agree tap with no popup open sent ${callList(step.started)}`;
      return null;
    };
  },
};

export const misconfigurationReportedOnce: Property = {
  id: 'misconfiguration-reported-once',
  requirements: ['R14'],
  says: 'A data type missing from the privacy guide (errno 112) is reported to the operator once per data type and install, as a configuration failure the page can explain, and the person is never shown the popup for it.',
  monitor: () => {
    const reported = new Set<string>();
    return ({ step, previous }) => {
      if (step.event.type === 'REINSTALL') reported.clear();
      const scope = step.event.type === 'BIND_PHONE' ? 'phone' : 'profile';
      const newReports = step.reports - (previous?.reports ?? 0);
      if (newReports === 0) {
        const opened = step.shows.privacyPopup && !previous?.shows.privacyPopup;
        if (reported.has(scope) && (step.event.type === 'BIND_PHONE' || step.event.type === 'CONSENT') && opened) {
          return `the person was asked to agree for the ${scope}, which the guide lacks`;
        }
        return null;
      }
      if (newReports > 1 || reported.has(scope)) return `the missing ${scope} was reported ${newReports > 1 ? newReports : 'again'}`;
      reported.add(scope);
      return step.explains === 'configuration/PRIVACY_SCOPE_UNDECLARED' ? null : `reported, but the page explains ${step.explains ?? 'nothing'}`;
    };
  },
};
