// Login machines with one realistic bug planted each: the proof that every requirement, checked
// as a property, can say "this machine is wrong". Each names the properties that must catch it.

import { assign } from 'xstate';
import type { LoginContext } from '../../machines/index.js';
import { loginMachine } from '../../machines/login-machine.js';
import type { LoginLogic } from '../model/machine-step.js';
import { at, editChart } from './edit-chart.js';

export interface MachineVariant {
  name: string;
  /** Ids of the properties that must fail on it. */
  caughtBy: string[];
  machine: LoginLogic;
}

type Guard = (args: { context: LoginContext }) => boolean;
const withGuards = (guards: Record<string, Guard>) => loginMachine.provide({ guards } as never) as LoginLogic;
const LOGIN_STATES = ['authenticating', 'reauthenticating'];

export const MACHINE_VARIANTS: readonly MachineVariant[] = [
  {
    name: 'LOGIN handled at the root: a second tap restarts the login in flight',
    caughtBy: ['one-login-at-a-time', 'busy-taps-change-nothing'],
    machine: editChart((c) => {
      at(c, 'on').LOGIN = { target: '.authenticating', actions: 'resetAttempts' };
    }),
  },
  {
    name: 'each "login gone" during a re-login starts the re-login again (not single flight)',
    caughtBy: ['one-login-at-a-time', 'gone-answer-handling'],
    machine: editChart((c) => {
      at(c, 'states.reauthenticating.on').LOGIN_GONE = { target: '#login.reauthenticating', reenter: true, actions: 'settleGoneRequest' };
    }),
  },
  {
    name: 'a guard off by one: canRetry allows maxRetries + 1 retries',
    caughtBy: ['retries-bounded', 'failure-policy'],
    machine: withGuards({ canRetry: ({ context }) => context.retries <= context.settings.maxRetries }),
  },
  {
    name: 'a retry that is never counted: a fresh code after a used one leaves retries as they were',
    caughtBy: ['retries-bounded'],
    machine: editChart((c) => {
      for (const state of LOGIN_STATES) {
        const always = at(c, `states.${state}.states.judgingFailure`).always as Array<Record<string, unknown>>;
        always[0] = { ...always[0], actions: [] };
      }
    }),
  },
  {
    name: 'WeChat busy retried at once, without the backoff',
    caughtBy: ['failure-policy'],
    machine: editChart((c) => {
      for (const state of LOGIN_STATES) {
        const always = at(c, `states.${state}.states.judgingFailure`).always as Array<Record<string, unknown>>;
        always[1] = { ...always[1], target: 'obtainingCode' };
      }
    }),
  },
  {
    name: 'a rate limit waits Retry-After in milliseconds instead of seconds',
    caughtBy: ['failure-policy'],
    machine: loginMachine.provide({
      delays: { rateLimitWait: ({ context }: { context: LoginContext }) => context.error?.retryAfterSeconds || context.settings.rateLimitWaitMs },
    } as never) as LoginLogic,
  },
  {
    name: 'a risk-blocked person is stopped like any failure, so RETRY logs in again',
    caughtBy: ['blocked-never-retried'],
    machine: withGuards({ isBlocked: () => false }),
  },
  {
    name: 'a guard off by one: the re-login cap is reached one re-login late',
    caughtBy: ['relogins-bounded', 'gone-answer-handling'],
    machine: withGuards({ reloginCapReached: ({ context }) => context.relogins > context.settings.reloginCap }),
  },
  {
    name: 'a re-login that is never counted',
    caughtBy: ['relogins-bounded'],
    machine: editChart((c) => {
      const gone = at(c, 'states.session.on').LOGIN_GONE as Array<Record<string, unknown>>;
      gone[2] = { ...gone[2], actions: ['forgetToken', 'settleGoneRequest'] };
    }),
  },
  {
    name: 'a late "login gone" for a replaced token starts another login',
    caughtBy: ['gone-answer-handling'],
    machine: withGuards({ isStaleToken: () => false }),
  },
  {
    name: 'a failed login drops the requests that waited for it without rejecting them',
    caughtBy: ['requests-settled-once'],
    machine: editChart((c) => {
      at(c, 'states.failed').entry = ['clearQueue'];
    }),
  },
  {
    name: 'a request answered "login gone" twice waits for a third try',
    caughtBy: ['requests-settled-once', 'gone-answer-handling'],
    machine: loginMachine.provide({
      actions: { settleGoneRequest: assign({ pendingRequests: ({ context, event }) => [...context.pendingRequests, (event as unknown as { requestId: string }).requestId] }) },
    } as never) as LoginLogic,
  },
  {
    name: 'refusing the phone dialog forgets the token',
    caughtBy: ['token-while-signed-in'],
    machine: editChart((c) => {
      at(c, 'states.session.states.signedIn.on').DENY = { actions: ['recordDenial', 'forgetToken'] };
    }),
  },
  {
    name: 'logout resets the attempts but keeps the token',
    caughtBy: ['no-token-after-logout'],
    machine: editChart((c) => {
      at(c, 'on').LOGOUT = { target: '.signedOut', actions: ['forgetDeepLink', 'resetAttempts'] };
    }),
  },
  {
    name: 'a token refused while sending consent keeps the session (a toast, the box again)',
    caughtBy: ['refused-token-never-resent'],
    machine: editChart((c) => {
      const always = at(c, 'states.session.states.submittingConsent.states.judgingFailure').always as unknown[];
      always.splice(1, 1);
    }),
  },
  {
    name: 'the deep link is forgotten before it is followed',
    caughtBy: ['deep-link-followed-once'],
    machine: editChart((c) => {
      at(c, 'states.session.states.signedIn').entry = ['forgetDeepLink', 'followDeepLink'];
    }),
  },
  {
    name: 'a relaunch keeps the deep link of the launch before',
    caughtBy: ['deep-link-followed-once'],
    machine: editChart((c) => {
      at(c, 'on').LAUNCH = { target: '.booting', actions: ['resetAttempts'] };
    }),
  },
  {
    name: 'login-page mode keeps the shared page but forgets to send the person to the login page',
    caughtBy: ['shared-page-only-signed-in'],
    machine: editChart((c) => {
      const always = at(c, 'states.booting').always as Array<Record<string, unknown>>;
      always[2] = { ...always[2], actions: ['keepDeepLink'] };
    }),
  },
  {
    name: 'refusing the consent box starts the login over',
    caughtBy: ['denied-consent-sends-nothing'],
    machine: editChart((c) => {
      at(c, 'states.session.states.awaitingConsent.on').DENY = { target: '#login.authenticating', actions: 'recordDenial' };
    }),
  },
  {
    name: 'after a refusal the box ignores consent',
    caughtBy: ['consent-from-the-box'],
    machine: editChart((c) => {
      at(c, 'states.session.states.consentDenied').on = {};
    }),
  },
  {
    name: 'the consent box is shown whenever a profile is required, whether the server keeps one or not',
    caughtBy: ['profile-not-asked-again'],
    machine: withGuards({ needsConsent: ({ context }) => context.settings.profileRequired }),
  },
  {
    name: 'WeChat busy retried at once and never counted: wx.login in a tight loop',
    caughtBy: ['wx-login-frequency'],
    machine: editChart((c) => {
      for (const state of LOGIN_STATES) {
        const always = at(c, `states.${state}.states.judgingFailure`).always as Array<Record<string, unknown>>;
        always[1] = { ...always[1], target: 'obtainingCode', actions: [] };
      }
    }),
  },
  {
    name: 'a fresh code is fetched before the encrypted profile is sent',
    caughtBy: ['payload-before-new-code'],
    machine: editChart((c) => {
      at(c, 'states.session.states.submittingConsent').initial = 'refreshingCode';
    }),
  },
  {
    name: 'a relaunch signs a signed-out person back in',
    caughtBy: ['signed-out-stays-out'],
    machine: editChart((c) => {
      delete at(c, 'states.signedOut.on').LAUNCH;
    }),
  },
  {
    name: 'a failed phone binding tells the person nothing',
    caughtBy: ['failed-submission-shown'],
    machine: editChart((c) => {
      const onError = at(c, 'states.session.states.bindingPhone.invoke').onError as Array<Record<string, unknown>>;
      onError[1] = { ...onError[1], actions: ['recordError'] };
    }),
  },
  {
    name: 'the silent login shows the privacy popup and waits on it',
    caughtBy: ['privacy-popup-only-in-session'],
    machine: editChart((c) => {
      at(c, 'states.authenticating').tags = ['busy', 'privacyPopup'];
    }),
  },
  {
    name: 'a privacy refusal lets the held phone tap go on',
    caughtBy: ['privacy-refusal-sends-nothing'],
    machine: editChart((c) => {
      at(c, 'states.session.states.privacy.states.refused').always = '#login.session.bindingPhone';
    }),
  },
  {
    name: 'the agree tap forgets to resolve the held call',
    caughtBy: ['privacy-agree-once'],
    machine: editChart((c) => {
      for (const state of ['needed', 'neededAgain']) at(c, `states.session.states.privacy.states.${state}.on`).PRIVACY_AGREE = 'agreed';
    }),
  },
  {
    name: 'errno 112 reported again on every tap',
    caughtBy: ['misconfiguration-reported-once'],
    machine: withGuards({ isUndeclaredReported: () => false }),
  },
  {
    name: 'a relaunch forgets to reset the counters',
    caughtBy: ['failure-policy'],
    machine: editChart((c) => {
      at(c, 'on').LAUNCH = { target: '.booting', actions: ['forgetDeepLink'] };
    }),
  },
];
