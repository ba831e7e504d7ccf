// Properties of a page request answered "login gone": one silent re-login for all, capped, a
// late answer for a replaced token replayed instead of starting another login.

import { loginUnderWay } from './ledger.js';
import type { Property } from './property.js';
import { callList } from './property.js';

export const reloginsBounded: Property = {
  id: 'relogins-bounded',
  requirements: ['R4', 'R12'],
  says: "Silent re-logins started by a page request's \"login gone\" number at most reloginCap since the server last accepted the token (or the person launched, logged in, retried or logged out).",
  monitor: ({ limits }) => ({ step, ledger }) => {
    if (step.event.type !== 'ANSWER' || !ledger.codeReasons(step).includes('fresh')) return null;
    const relogins = ledger.before.relogins + 1;
    return relogins > limits.reloginCap ? `re-login ${relogins} with a cap of ${limits.reloginCap}` : null;
  },
};

export const goneAnswerHandling: Property = {
  id: 'gone-answer-handling',
  requirements: ['R4', 'R12'],
  says: 'A page request answered "login gone": while a login is under way it waits for it; for a token already replaced it is sent again with the new one; for the token in use it starts one silent re-login if the cap allows, else the error reaches the caller; a request answered "gone" a second time is rejected.',
  monitor: ({ limits }) => ({ step, previous, ledger }) => {
    const { answered } = step;
    if (step.event.type !== 'ANSWER' || !answered || answered.answer !== 'gone' || !previous) return null;
    const id = answered.call.request!;
    const again = (ledger.before.goneAnswers.get(id) ?? 0) > 0;
    const { held, relogins } = ledger.before;
    const codes = step.started.filter((call) => call.kind === 'wx.login');
    const resent = step.started.filter((call) => call.request === id);
    const fate = step.requests.get(id) ?? 'pending';
    const rejected = fate.startsWith('rejected ');
    const fail = (expected: string) =>
      `${id} answered "login gone" for ${answered.call.token}: expected ${expected}; started ${callList(step.started)}, ${id} ${fate}`;

    if (loginUnderWay(previous)) {
      if (codes.length > 0) return fail('it to wait for the login under way');
      return again === rejected && resent.length === 0 ? null : fail(again ? 'a rejection (second "gone")' : 'it to wait, unsent');
    }
    if (held !== null && answered.call.token !== held) {
      if (codes.length > 0) return fail(`a replay with ${held}, not a login`);
      if (again) return rejected ? null : fail('a rejection (second "gone")');
      return resent.length === 1 && resent[0]!.token === held ? null : fail(`one replay with ${held}`);
    }
    if (held !== null && relogins < limits.reloginCap) {
      if (codes.length !== 1) return fail('one silent re-login');
      return again === rejected && resent.length === 0 ? null : fail(again ? 'a rejection (second "gone")' : 'it to wait for the re-login');
    }
    if (codes.length > 0) return fail(held === null ? 'no login (no token is held)' : 'no re-login past the cap');
    if (!rejected) return fail('the error to reach the caller');
    return held !== null && !step.shows.failed ? fail('the failure shown once the cap is reached') : null;
  },
};
