// The login statechart: the nine scenarios of DESIGN.md as states and transitions. Names refer
// to ./login-setup.ts; platform effects are stubs the client supplies with `.provide()`.

import { loginSetup } from './login-setup.js';
import { DEFAULT_LOGIN_SETTINGS } from './types.js';
import type { LoginContext, LoginInput } from './types.js';

function initialContext({ input }: { input: LoginInput | undefined }): LoginContext {
  return {
    settings: { ...DEFAULT_LOGIN_SETTINGS, ...input?.settings },
    token: null,
    expiresAt: null,
    user: null,
    deepLink: null,
    pendingRequests: [],
    retries: 0,
    relogins: 0,
    consent: null,
    consentResent: false,
    freshCode: null,
    privacyRequest: null,
    privacyAgreed: false,
    undeclared: [],
    phoneCode: null,
    isNew: false,
    error: null,
  };
}

// Actor inputs: the token travels in the input so platform actors stay functions of it.
const exchangeInput = ({ event }: { event: unknown }) => ({
  code: (event as { output: { code: string } }).output.code,
});
const consentInput = ({ context }: { context: LoginContext }) => ({
  token: context.token, draft: context.consent!, code: context.freshCode,
});
const phoneInput = ({ context, event }: { context: LoginContext; event: unknown }) => ({
  token: context.token, code: context.phoneCode ?? (event as { code: string }).code,
});
const tokenInput = ({ context }: { context: LoginContext }) => ({ token: context.token });

// wx.login, then POST /wx/login, with the retry policy: the first login and the re-login
// make the same attempt; they differ in where they come from and what waits on them.
const loginAttempt = {
  initial: 'obtainingCode',
  states: {
    obtainingCode: {
      invoke: {
        id: 'wxLogin',
        src: 'wxLogin',
        onDone: 'exchanging',
        onError: { target: 'judgingFailure', actions: 'recordError' },
      },
    },
    exchanging: {
      invoke: {
        id: 'exchangeCode',
        src: 'exchangeCode',
        input: exchangeInput,
        onDone: { target: '#login.session', actions: ['storeGrant', 'announceLogin'] },
        onError: { target: 'judgingFailure', actions: 'recordError' },
      },
    },
    judgingFailure: {
      always: [
        { guard: 'mayRetryWithFreshCode', target: 'obtainingCode', actions: 'countRetry' },
        { guard: 'mayRetryAfterBackoff', target: 'backingOff', actions: 'countRetry' },
        { target: '#login.failed' },
      ],
    },
    backingOff: {
      description: 'WeChat busy, network or server trouble: pause, then a fresh code.',
      after: { backoff: 'obtainingCode' },
    },
  },
} as const;

// The privacy gate (WeChat since 2023-10): the same states wherever a gated call is made, once
// for a signed-in person (phone binding, a profile update) and once for the consent box (the
// profile a required login asks for); they differ only in what the page shows meanwhile.
const routing = '#login.session.routing';
function privacyGate(tag: 'signedIn' | 'needsConsent') {
  const popup = {
    tags: ['privacyPopup'],
    entry: 'showPrivacyPopup',
    on: {
      PRIVACY_AGREE: {
        target: 'agreed',
        actions: 'agreePrivacy',
        description: 'The agree button was tapped: the pending call goes on. A second tap finds the popup gone.',
      },
      PRIVACY_REFUSE: 'refused',
      HIDE: 'away',
    },
  } as const;
  return {
    tags: [tag],
    initial: 'checking',
    states: {
      checking: {
        description: 'wx.getPrivacySetting, before a page asks for gated data (the nickname input gets focus).',
        tags: ['busy'],
        invoke: {
          id: 'checkPrivacy',
          src: 'checkPrivacy',
          onDone: [
            { guard: 'isPrivacyAgreed', target: routing, actions: 'markPrivacyAgreed' },
            { guard: 'hasAgreedBefore', target: 'neededAgain' },
            { target: 'needed' },
          ],
          onError: { target: routing, description: 'A base library without the privacy APIs (before 2.32.3): no gate.' },
        },
      },
      needed: { ...popup, description: 'The app\'s privacy popup is shown (its exposure reported); a gated call may wait on it.' },
      neededAgain: { ...popup, description: 'Agreed before, but the guide has since declared a new data type: asked again.' },
      away: {
        description: 'In the background with the popup open: the pending call waits; back in front, the popup shows again.',
        on: {
          SHOW: [
            { guard: 'isTokenExpired', target: '#login.reauthenticating', actions: 'forgetToken', description: 'The token expired meanwhile: log in again; the popup comes back after.' },
            { target: 'needed' },
          ],
        },
      },
      agreed: {
        entry: 'markPrivacyAgreed',
        always: routing,
      },
      refused: {
        description: 'The pending call fails (errno 104); nothing is sent; the explanation stays; a later tap asks again.',
        entry: ['refusePrivacy', 'recordPrivacyRefused'],
        always: routing,
      },
      inGap: {
        description: 'WeChat\'s own popup was refused less than 10 s ago: every gated call fails at once until the gap ends.',
        entry: 'recordPrivacyInGap',
        on: { PRIVACY_FAILED: { description: 'Tapped again within the gap: still the same answer.' } },
        after: { privacyGap: { target: routing, actions: 'forgetError', description: 'The gap is over: the explanation goes, a tap asks again.' } },
      },
      notDeclared: {
        description: 'errno 112: the guide lacks this data type. A configuration failure for the operator, reported once; the person is not asked.',
        entry: ['recordNotDeclared', 'reportMisconfiguration'],
        always: routing,
      },
    },
  } as const;
}

/** Where a gated call lands from a resting state of the session (`gate`: the family's id). */
function privacyEntries(gate: string) {
  return {
    PRIVACY_CHECK: `#login.session.${gate}.checking`,
    PRIVACY_NEEDED: [
      { guard: 'hasAgreedBefore', target: `#login.session.${gate}.neededAgain`, actions: 'keepPrivacyRequest' },
      { target: `#login.session.${gate}.needed`, actions: 'keepPrivacyRequest' },
    ],
    PRIVACY_FAILED: [
      { guard: 'isInGap', target: `#login.session.${gate}.inGap` },
      { guard: 'isUndeclaredReported', description: 'Reported once already: not again.' },
      { guard: 'isUndeclared', target: `#login.session.${gate}.notDeclared` },
      { target: `#login.session.${gate}.refused` },
    ],
  } as const;
}

export const loginMachine = loginSetup.createMachine({
  id: 'login',
  description: 'One login state per mini program: silent WeChat login, consent, re-login, logout.',
  context: initialContext,
  initial: 'idle',
  on: {
    LAUNCH: {
      target: '.booting',
      actions: ['forgetDeepLink', 'resetAttempts', 'forgetHeldCalls'],
      description: 'A (re)launch, possibly from a restored snapshot: decide again from token and clock.',
    },
    // Defaults for states that do not hold or wait for a token.
    QUEUE_REQUEST: { actions: 'rejectRequest' },
    LOGIN_GONE: { actions: 'rejectRequest' },
    LOGOUT: { target: '.signedOut', actions: 'forgetSession' },
    PRIVACY_NEEDED: {
      actions: 'refusePrivacy',
      description: 'No session to consent into (signed out, failed, not launched): the pending call fails at once.',
    },
  },
  states: {
    idle: {
      description: 'Created in App.onLaunch, waiting for the launch options.',
      // No LOGIN_GONE here: nothing goes out with a token before the launch, and idle is never re-entered.
      on: {
        QUEUE_REQUEST: { actions: 'queueRequest' },
      },
    },
    booting: {
      description: 'Decides from the stored token and the clock, without the network.',
      always: [
        {
          guard: 'needsConsentOutsideLoginPage',
          target: 'session',
          actions: ['keepDeepLink', 'redirectToLoginPage'],
          description: 'Login-page mode: the consent box lives on the login page.',
        },
        { guard: 'hasLiveToken', target: 'session', description: 'Returning user: signed in at once.' },
        {
          guard: 'opensOutsideLoginPage',
          target: 'authenticating',
          actions: ['keepDeepLink', 'redirectToLoginPage'],
          description: 'Login-page mode: go to the login page, keeping the opened page and query.',
        },
        { target: 'authenticating' },
      ],
    },
    authenticating: {
      description: 'Silent login: wx.login, then POST /wx/login. Requests made meanwhile wait.',
      tags: ['busy'],
      on: {
        PRIVACY_NEEDED: { actions: 'keepPrivacyRequest', description: 'A gated tap during the login: its popup shows once signed in.' },
        QUEUE_REQUEST: { actions: 'queueRequest' },
        LOGIN_GONE: { actions: 'settleGoneRequest' },
      },
      ...loginAttempt,
    },
    session: {
      description: 'A token is held: requests carry it. Entering replays the requests that waited.',
      initial: 'routing',
      entry: ['replayQueuedRequests', 'clearQueue'],
      on: {
        QUEUE_REQUEST: {
          actions: 'replayRequest',
          description: 'Every page request asks the machine; in a session it goes out at once with the current token.',
        },
        LOGIN_GONE: [
          {
            guard: 'isStaleToken',
            actions: 'settleStaleRequest',
            description: 'Single flight: the token was already replaced; replay with the new one.',
          },
          {
            guard: 'reloginCapReached',
            target: 'failed',
            actions: ['recordCapReached', 'forgetToken', 'settleGoneRequest'],
            description: 'Re-login keeps failing to produce an accepted token: callers get the error.',
          },
          { target: 'reauthenticating', actions: ['forgetToken', 'countRelogin', 'settleGoneRequest'] },
        ],
        SHOW: {
          guard: 'isTokenExpired',
          target: 'reauthenticating',
          actions: 'forgetToken',
          description: 'Back from the background: timers stopped there, so check the clock.',
        },
        TOKEN_ACCEPTED: { guard: 'hasRelogins', actions: 'resetRelogins' },
        PRIVACY_NEEDED: {
          actions: 'keepPrivacyRequest',
          description: 'A gated tap while a submission is on its way: its popup shows when the submission ends.',
        },
      },
      states: {
        routing: {
          always: [
            { guard: 'needsConsentWithPrivacyRequest', target: 'boxPrivacy.needed', description: 'A gated call waited for the login.' },
            { guard: 'needsConsent', target: 'awaitingConsent' },
            { target: 'signedIn' },
          ],
        },
        signedIn: {
          tags: ['signedIn'],
          entry: ['followDeepLink', 'forgetDeepLink'],
          // Entered first, so that a kept deep link is followed with the sign-in.
          always: [
            { guard: 'hasPrivacyRequest', target: 'privacy.needed', description: 'A gated call waited for the login or a submission to end.' },
            { guard: 'hasPhoneCode', target: 'bindingPhone', description: 'The phone button answered during the re-login: its code is bound now, once.' },
          ],
          on: {
            LOGOUT_EVERYWHERE: 'revoking',
            ERASE: 'erasing',
            BIND_PHONE: 'bindingPhone',
            CONSENT: { target: 'submittingConsent', actions: 'keepConsent', description: 'An optional profile update.' },
            DENY: { actions: 'recordDenial', description: 'The phone dialog was refused: nothing is sent.' },
            ...privacyEntries('privacy'),
          },
        },
        privacy: { ...privacyGate('signedIn'), description: 'The privacy gate before a phone number or a profile update: the person stays signed in.' },
        boxPrivacy: { ...privacyGate('needsConsent'), description: 'The privacy gate before the profile a required login asks for: the box stays.' },
        awaitingConsent: {
          description: 'Signed in silently; the app requires a profile, so the login box is shown.',
          tags: ['needsConsent'],
          on: {
            CONSENT: { target: 'submittingConsent', actions: 'keepConsent' },
            DENY: { target: 'consentDenied', actions: 'recordDenial' },
            ...privacyEntries('boxPrivacy'),
          },
        },
        consentDenied: {
          description: 'The box stays with an explanation; nothing was sent; the silent session holds.',
          tags: ['needsConsent'],
          on: {
            CONSENT: { target: 'submittingConsent', actions: 'keepConsent' },
            ...privacyEntries('boxPrivacy'),
          },
        },
        submittingConsent: {
          description: 'Repeated CONSENT taps land here and change nothing.',
          tags: ['busy'],
          entry: 'showBusy',
          exit: 'hideBusy',
          initial: 'sending',
          states: {
            sending: {
              invoke: {
                id: 'submitConsent',
                src: 'submitConsent',
                input: consentInput,
                onDone: { target: '#login.session.routing', actions: ['storeUser', 'forgetConsent'] },
                onError: { target: 'judgingFailure', actions: 'recordError' },
              },
            },
            judgingFailure: {
              always: [
                {
                  guard: 'mayResendConsent',
                  target: 'refreshingCode',
                  actions: 'markConsentResent',
                  description: 'Decrypt failed (-41003): a stale session_key; resend the same payload once with a fresh code.',
                },
                { guard: 'isLoginGoneFailure', target: '#login.reauthenticating', actions: ['forgetConsent', 'forgetToken'] },
                { target: '#login.session.routing', actions: ['forgetConsent', 'showFailure'] },
              ],
            },
            refreshingCode: {
              description: 'The only wx.login after the payload was obtained, and only after it was sent.',
              invoke: {
                id: 'consentCode',
                src: 'wxLogin',
                onDone: { target: 'resending', actions: 'keepFreshCode' },
                onError: { target: '#login.session.routing', actions: ['recordError', 'forgetConsent', 'showFailure'] },
              },
            },
            resending: {
              invoke: {
                id: 'resendConsent',
                src: 'submitConsent',
                input: consentInput,
                onDone: { target: '#login.session.routing', actions: ['storeUser', 'forgetConsent'] },
                onError: { target: '#login.session.routing', actions: ['recordError', 'forgetConsent', 'showFailure'] },
              },
            },
          },
        },
        bindingPhone: {
          tags: ['signedIn', 'busy'],
          entry: 'showBusy',
          exit: 'hideBusy',
          invoke: {
            id: 'bindPhone',
            src: 'bindPhone',
            input: phoneInput,
            onDone: { target: 'signedIn', actions: ['storeUser', 'forgetPhoneCode'] },
            onError: [
              {
                guard: 'isLoginGoneFailure',
                target: '#login.reauthenticating',
                actions: ['recordPhoneNotBound', 'showFailure', 'forgetToken', 'forgetPhoneCode'],
                description: 'The token is refused: log in again, as for consent. The phone code was single-use: the toast asks for another tap.',
              },
              { target: 'signedIn', actions: ['recordError', 'showFailure', 'forgetPhoneCode'] },
            ],
          },
        },
        erasing: {
          description: 'DELETE /me: the server erases the account; then signed out, with no silent login to make a new one.',
          tags: ['signedIn', 'busy'],
          entry: 'showBusy',
          exit: 'hideBusy',
          invoke: {
            id: 'eraseAccount',
            src: 'eraseAccount',
            input: tokenInput,
            onDone: { target: '#login.signedOut', actions: 'forgetSession' },
            onError: [
              {
                guard: 'isLoginGoneFailure',
                target: '#login.reauthenticating',
                actions: ['recordEraseNotDone', 'showFailure', 'forgetToken'],
                description: 'The token is refused: log in again; nothing was erased, so the person asks again.',
              },
              { target: 'signedIn', actions: ['recordError', 'showFailure'] },
            ],
          },
        },
        revoking: {
          description: 'Logout everywhere: the server bumps the token version of every device.',
          tags: ['signedIn', 'busy'],
          entry: 'showBusy',
          exit: 'hideBusy',
          invoke: {
            id: 'revokeSessions',
            src: 'revokeSessions',
            input: tokenInput,
            onDone: { target: '#login.signedOut', actions: 'forgetSession' },
            onError: [
              {
                guard: 'isLoginGoneFailure',
                target: '#login.signedOut',
                actions: 'forgetSession',
                description: 'The server already refuses this token: the login is gone, so sign out.',
              },
              { target: 'signedIn', actions: ['recordError', 'showFailure'] },
            ],
          },
        },
      },
    },
    reauthenticating: {
      description: 'One silent re-login for every request in flight; they wait and are replayed once.',
      tags: ['busy'],
      on: {
        QUEUE_REQUEST: { actions: 'queueRequest' },
        LOGIN_GONE: { actions: 'settleGoneRequest' },
        PRIVACY_NEEDED: { actions: 'keepPrivacyRequest', description: 'A gated tap during the re-login: its popup shows once it is done.' },
        BIND_PHONE: {
          actions: 'keepPhoneCode',
          description: 'The phone button answered during the re-login: the paid, single-use code is kept and bound after it.',
        },
      },
      ...loginAttempt,
    },
    failed: {
      description: 'A typed reason in context.error; waiting requests are rejected once.',
      tags: ['failed'],
      initial: 'judging',
      entry: ['rejectQueuedRequests', 'clearQueue'],
      states: {
        judging: {
          always: [
            { guard: 'isBlocked', target: 'blocked' },
            { guard: 'mayRetryAfterRateLimit', target: 'coolingDown' },
            { target: 'stopped' },
          ],
        },
        coolingDown: {
          description: 'Rate limited: wait (Retry-After or a minute), then one more attempt.',
          entry: 'showFailure',
          after: { rateLimitWait: { target: '#login.authenticating', actions: 'countRetry' } },
        },
        stopped: {
          description: 'Automatic retries are spent; the person may retry.',
          entry: 'showFailure',
          on: {
            RETRY: { target: '#login.authenticating', actions: 'resetAttempts' },
            LOGIN: { target: '#login.authenticating', actions: 'resetAttempts' },
          },
        },
        blocked: {
          description: 'WeChat marks the user high-risk (40226): no retry until a relaunch.',
          entry: 'showFailure',
        },
      },
    },
    signedOut: {
      description: 'The person logged out; a relaunch keeps them out until they log in.',
      entry: ['rejectQueuedRequests', 'clearQueue'],
      on: {
        LOGIN: { target: 'authenticating', actions: 'resetAttempts' },
        LAUNCH: [
          {
            guard: 'opensOutsideLoginPage',
            actions: ['keepDeepLink', 'redirectToLoginPage'],
            description: 'Login-page mode: show the login page, keeping the opened page for later.',
          },
          {
            actions: 'forgetDeepLink',
            description: 'A relaunch keeps a signed-out person signed out; a page kept by an earlier launch is not followed.',
          },
        ],
      },
    },
  },
});

export type LoginMachine = typeof loginMachine;
