// Properties of page requests and the tokens calls carry: each request settled exactly once,
// never lost, sent with the token while signed in, and never with a token that a logout retired
// or the server refused.

import { loginUnderWay, tokenNumber } from './ledger.js';
import type { Property } from './property.js';

const TYPED_REJECTION = /^rejected [A-Z][A-Z0-9_]*$/;

export const requestsSettledOnce: Property = {
  id: 'requests-settled-once',
  requirements: ['R5'],
  says: 'Every page request ends once and for all (an HTTP answer, or a rejection with an UPPER_SNAKE code); it goes out at most twice, the second time only after a "login gone" answer; while it waits it is on the network or a login is under way for it.',
  monitor: () => {
    let fates = new Map<string, string>();
    let sends = new Map<string, number>();
    let launched = false;
    return ({ step, ledger }) => {
      if (step.launch) {
        fates = new Map();
        sends = new Map();
      }
      launched ||= step.event.type === 'LAUNCH' || step.event.type === 'RELAUNCH' || step.event.type === 'REINSTALL';
      for (const [id, fate] of step.requests) {
        const earlier = fates.get(id);
        if (earlier !== undefined && earlier !== 'pending' && earlier !== fate) return `${id} was settled twice: ${earlier}, then ${fate}`;
        if (fate.startsWith('rejected') && !TYPED_REJECTION.test(fate)) return `${id} was rejected without a typed code: ${fate}`;
        fates.set(id, fate);
      }
      for (const call of step.started) {
        if (call.request === null) continue;
        const count = (sends.get(call.request) ?? 0) + 1;
        sends.set(call.request, count);
        if (count > 2) return `${call.request} went out ${count} times`;
        const goneNow = step.answered?.answer === 'gone' && step.answered.call.request === call.request;
        if (count === 2 && !ledger.before.goneAnswers.has(call.request) && !goneNow) return `${call.request} went out again without a "login gone" answer`;
      }
      if (!launched) return null;
      const onTheNetwork = new Set(step.waiting.map((call) => call.request));
      const lost = [...step.requests].filter(([id, fate]) => fate === 'pending' && !onTheNetwork.has(id));
      return lost.length > 0 && !loginUnderWay(step) ? `${lost.map(([id]) => id).join(', ')} waits for nothing: no call, no login under way` : null;
    };
  },
};

export const tokenWhileSignedIn: Property = {
  id: 'token-while-signed-in',
  requirements: ['R6'],
  says: "A page request made while signed in (or while the consent box shows over the silent login) carries the token, and so does every call to the server's own routes.",
  monitor: () => ({ step }) => {
    const session = step.shows.signedIn || step.shows.needsConsent;
    const bare = step.started.find((call) => call.token === null && (call.kind === 'api' || (call.kind === 'page' && session)));
    return bare ? `${bare.text} went out without a token while signed in` : null;
  },
};

export const noTokenAfterLogout: Property = {
  id: 'no-token-after-logout',
  requirements: ['R6'],
  says: 'After a logout (here or everywhere) no call carries a token issued before it, and storage keeps none while signed out.',
  monitor: () => {
    let retiredUpTo = 0;
    return ({ step, ledger }) => {
      const stale = step.started.find((call) => call.token !== null && tokenNumber(call.token) <= retiredUpTo);
      if (stale) return `${stale.text} carries a token retired by a logout`;
      if (step.event.type === 'LOGOUT' || step.shows.signedOut) {
        retiredUpTo = ledger.before.issued + (step.answered?.call.kind === 'exchange' && step.answered.answer === 'ok' ? 1 : 0);
      }
      const keeps = step.shows.signedOut && !(step.stored === 'nothing' || step.stored.endsWith(' no token'));
      return keeps ? `signed out, storage still holds a token: ${step.stored}` : null;
    };
  },
};

export const refusedTokenNeverResent: Property = {
  id: 'refused-token-never-resent',
  requirements: ['R6'],
  says: 'Once the server refused a token (HTTP 401 or code -1: expired, revoked, erased), no later call carries it.',
  monitor: () => {
    const refused = new Set<string>();
    return ({ step }) => {
      if (step.answered?.answer === 'gone' && step.answered.call.token) refused.add(step.answered.call.token);
      const again = step.started.find((call) => call.token !== null && refused.has(call.token));
      return again ? `${again.text} carries a token the server already refused` : null;
    };
  },
};
