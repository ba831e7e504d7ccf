// Properties of the session as the person drives it: taps during a login change nothing, and a
// person who logged out stays out until they log in.

import { isLoginCall } from './ledger.js';
import type { Property } from './property.js';
import { callList } from './property.js';

const TAPS = new Set(['LOGIN', 'RETRY', 'CONSENT', 'BIND_PHONE', 'LOGOUT_EVERYWHERE', 'DENY']);

export const busyTapsChangeNothing: Property = {
  id: 'busy-taps-change-nothing',
  requirements: ['R9'],
  says: 'A tap (log in, retry, consent, phone, log out everywhere, refuse) while the page shows busy sends nothing and changes nothing the person sees.',
  monitor: () => ({ step, previous }) => {
    if (!TAPS.has(step.event.type) || !previous?.shows.busy) return null;
    if (step.started.length > 0) return `a ${step.event.type} tap while busy sent ${callList(step.started)}`;
    const same = JSON.stringify(step.shows) === JSON.stringify(previous.shows) && step.navigations.length === 0 && step.toastsShown === 0;
    return same ? null : `a ${step.event.type} tap while busy changed what the page shows`;
  },
};

export const signedOutStaysOut: Property = {
  id: 'signed-out-stays-out',
  requirements: ['R10'],
  says: 'Once signed out, the person stays signed out (relaunches included) and nothing logs in or sends a token for them, until they tap "log in" (a new phone starts afresh).',
  monitor: () => {
    let out = false;
    return ({ step }) => {
      if (step.event.type === 'LOGIN' || step.event.type === 'REINSTALL') out = false;
      if (out) {
        if (!step.shows.signedOut) return `signed out, then ${step.event.type} signed the person back in without a login`;
        const sent = step.started.filter((call) => isLoginCall(call) || call.token !== null);
        if (sent.length > 0) return `signed out, yet ${callList(sent)} went out`;
      }
      out = step.shows.signedOut;
      return null;
    };
  },
};
