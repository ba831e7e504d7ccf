// Properties of the silent login itself: one at a time, within WeChat's frequency rule, with the
// failure policy of each WeChat answer, bounded retries, and no retry for a blocked person.

import { isLoginCall, LOGIN_FAULTS } from './ledger.js';
import type { Property } from './property.js';
import { callList } from './property.js';

const WX_LOGINS_PER_SECOND = 4;
/** Failures a pause may cure (WeChat busy, no answer, wx.login itself failing, 5xx). */
const TRANSIENT = new Set(['busy', 'network', 'wxLogin', 'server']);
const CODE_REJECTED = new Set(['codeUsed', 'badCode']);

export const oneLoginAtATime: Property = {
  id: 'one-login-at-a-time',
  requirements: ['R1'],
  says: 'At most one wx.login or code exchange (POST /wx/login) is on the network at any time.',
  monitor: () => ({ step }) => {
    const logins = step.waiting.filter(isLoginCall);
    return logins.length > 1 ? `${logins.length} logins on the network at once: ${callList(logins)}` : null;
  },
};

export const wxLoginFrequency: Property = {
  id: 'wx-login-frequency',
  requirements: ['R2'],
  says: `wx.login is called at most ${WX_LOGINS_PER_SECOND} times within any second of the phone's clock (the network answering at once, the person acting at most once a second).`,
  monitor: () => {
    const calls: number[] = [];
    return ({ step }) => {
      for (const call of step.started) if (call.kind === 'wx.login') calls.push(step.clock);
      const recent = calls.filter((at) => at > step.clock - 1000);
      return recent.length > WX_LOGINS_PER_SECOND ? `${recent.length} wx.login calls within one second` : null;
    };
  },
};

export const retriesBounded: Property = {
  id: 'retries-bounded',
  requirements: ['R3'],
  says: 'One login run (from its first wx.login to a token or a stop) retries by itself at most maxRetries times.',
  monitor: ({ limits }) => ({ step, ledger }) => {
    const retries = ledger.codeReasons(step).filter((reason) => reason === 'retry').length;
    const total = ledger.before.runRetries + retries;
    return retries > 0 && total > limits.maxRetries ? `automatic retry ${total} of a login allowed ${limits.maxRetries}` : null;
  },
};

export const failurePolicy: Property = {
  id: 'failure-policy',
  requirements: ['R3', 'R12'],
  says: 'After a failed wx.login or exchange: a bad or used code gets a fresh wx.login at once; busy, network or server trouble waits backoffMs (doubling) first; a rate limit waits as the server said; once the retries are spent, or for a blocked person, nothing more is tried and the person sees the failure.',
  monitor: ({ limits }) => ({ step, ledger }) => {
    const { answered } = step;
    if (!answered || !isLoginCall(answered.call) || !LOGIN_FAULTS.has(answered.answer)) return null;
    if (ledger.codeReasons(step).includes('payload') || ledger.before.awaitingPayloadCode) return null;
    const fault = answered.answer;
    const codes = step.started.filter((call) => call.kind === 'wx.login').length;
    const what = `after "${fault}" (retry ${ledger.before.runRetries} of ${limits.maxRetries} spent)`;
    const spent = ledger.before.runRetries >= limits.maxRetries;
    if (fault === 'blocked' || spent) {
      if (step.started.length > 0 || step.timers.length > 0) return `${what}: started ${callList(step.started)}, timers [${step.timers}]; expected to stop`;
      if (!step.shows.failed || step.toastsShown === 0) return `${what}: the person was not shown the failure`;
      return null;
    }
    if (CODE_REJECTED.has(fault)) {
      return codes === 1 && step.timers.length === 0 ? null : `${what}: expected one fresh wx.login at once, got ${callList(step.started)}, timers [${step.timers}]`;
    }
    const rateLimitWait = answered.retryAfterMs ?? limits.rateLimitWaitMs;
    const wait = TRANSIENT.has(fault) ? limits.backoffMs * 2 ** ledger.before.runRetries : fault === 'rateLimited' ? rateLimitWait : null;
    if (wait === null) return null;
    if (step.started.length > 0) return `${what}: expected a pause first, but started ${callList(step.started)}`;
    return step.timers.length === 1 && step.timers[0] === wait ? null : `${what}: expected one ${wait} ms timer, got [${step.timers}]`;
  },
};

export const blockedNeverRetried: Property = {
  id: 'blocked-never-retried',
  requirements: ['R3'],
  says: 'Once WeChat says the person is high-risk (40226), nothing tries to log them in until the app is launched again or they log out: no wx.login, no exchange, whatever they tap.',
  monitor: () => {
    let blocked = false;
    return ({ step }) => {
      if (step.launch || step.event.type === 'LOGOUT') blocked = false;
      const tried = step.started.filter(isLoginCall);
      const problem = blocked && tried.length > 0 ? `a blocked person was logged in again: ${callList(tried)}` : null;
      if (step.answered?.call.kind === 'exchange' && step.answered.answer === 'blocked') blocked = true;
      return problem;
    };
  },
};
