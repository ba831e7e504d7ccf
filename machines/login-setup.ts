// Every named piece the login chart refers to: context updates, guards, delays, and the
// platform stubs (wx.login, HTTP, navigation, toasts, request replay) that each platform
// supplies with `loginMachine.provide()`. The chart itself is in ./login-machine.ts.

import { and, assertEvent, assign, createMachine, emit } from 'xstate';
import type { setup as xstateSetup } from 'xstate';
import {
  backoffDelay, CODE_REASONS, DENIED, ERASE_NOT_DONE, failedWith, hasProfile, isTokenLive, pagePath, PHONE_NOT_BOUND, PRIVACY_GAP_MS,
  PRIVACY_IN_GAP, PRIVACY_REFUSED, privacyNotDeclared, rateLimitDelay, RELOGIN_CAP_REACHED, toLoginFailure, TRANSIENT_REASONS,
} from './policy.js';
import { fromTask } from './task.js';
import type {
  BindPhoneInput, ExchangeCodeInput, LoginContext, LoginEmitted, LoginEvent, LoginFailure, LoginGrant, LoginInput, LoginTag,
  PrivacySetting, RevokeSessionsInput, SubmitConsentInput, UserOutput, WxLoginOutput,
} from './types.js';

/** Stubs reject, so an unprovided machine fails visibly instead of hanging. */
function notProvided(name: string): never {
  throw Object.assign(new Error(`${name} is not provided to the login machine`), {
    reason: 'server', code: 'NOT_PROVIDED',
  });
}

/** Output of a platform actor carried by an invoke's done event. */
function outputOf<T>(event: LoginEvent): T {
  return (event as unknown as { output: T }).output;
}

/** Error carried by an invoke's error event. */
function errorOf(event: LoginEvent): unknown {
  return (event as unknown as { error: unknown }).error;
}

/**
 * The failure being handled: on an invoke's `onError` the event's own error (context.error may
 * be left over from an earlier failure); in a judging state, the one just recorded from it.
 */
function failureInHand(context: LoginContext, event: LoginEvent): LoginFailure | null {
  return (event.type as string).startsWith('xstate.error.actor.') ? toLoginFailure(errorOf(event)) : context.error;
}

/**
 * xstate's `setup()` with only the `createMachine` the chart uses: the full one also hands out
 * every action creator bound to the types (sendTo, log, enqueueActions…), and each would ship in
 * the mini program bundle. The machine it makes is the same.
 */
const setup = (({ schemas, actors, actions, guards, delays }) => ({
  createMachine: (config: object) => createMachine({ ...config, schemas } as never, { actors, actions, guards, delays } as never),
})) as typeof xstateSetup;

/**
 * What `enqueueActions(({ event, enqueue }) => enqueue(event.replayed ? 'rejectRequest' : otherwise))`
 * does, for LOGIN_GONE: a request already replayed once is rejected, any other goes to
 * `otherwise`. A built-in action like enqueueActions (xstate resolves an action that has `resolve`
 * through it; the result is one named action), without the enqueue helpers (sendTo, raise,
 * spawnChild…) that would ship with it.
 */
function settleRequest(otherwise: 'queueRequest' | 'replayRequest') {
  function settle(): void {}
  settle.resolve = (_scope: unknown, snapshot: unknown, { event }: { event: LoginEvent }) => {
    assertEvent(event, 'LOGIN_GONE');
    return [snapshot, undefined, [event.replayed ? 'rejectRequest' : otherwise]];
  };
  return settle;
}

const fullSetup = setup({
  // Types only: one empty object at run time.
  types: {} as { context: LoginContext; events: LoginEvent; input: LoginInput; tags: LoginTag; emitted: LoginEmitted },
  actors: {
    wxLogin: fromTask<WxLoginOutput, void>(async () => notProvided('wxLogin')),
    exchangeCode: fromTask<LoginGrant, ExchangeCodeInput>(async () => notProvided('exchangeCode')),
    submitConsent: fromTask<UserOutput, SubmitConsentInput>(async () => notProvided('submitConsent')),
    bindPhone: fromTask<UserOutput, BindPhoneInput>(async () => notProvided('bindPhone')),
    revokeSessions: fromTask<void, RevokeSessionsInput>(async () => notProvided('revokeSessions')),
    eraseAccount: fromTask<void, RevokeSessionsInput>(async () => notProvided('eraseAccount')),
    checkPrivacy: fromTask<PrivacySetting, void>(async () => notProvided('checkPrivacy')),
  },
  actions: {
    // Platform effects: no-ops here, supplied by the client.
    redirectToLoginPage: () => {},
    followDeepLink: () => {},
    replayQueuedRequests: () => {},
    rejectQueuedRequests: () => {},
    replayRequest: () => {},
    rejectRequest: () => {},
    showFailure: () => {},
    showBusy: () => {},
    hideBusy: () => {},
    // The privacy gate: the client holds the `resolve` WeChat gave its listener for the pending call.
    showPrivacyPopup: () => {},
    agreePrivacy: () => {},
    refusePrivacy: () => {},
    reportMisconfiguration: () => {},

    keepDeepLink: assign({
      deepLink: ({ event }) => {
        assertEvent(event, 'LAUNCH');
        return { path: pagePath(event.path), query: { ...event.query } };
      },
    }),
    forgetDeepLink: assign({ deepLink: null }),
    resetAttempts: assign({ retries: 0, relogins: 0, error: null }),
    countRetry: assign({ retries: ({ context }) => context.retries + 1 }),
    storeGrant: assign(({ event }) => {
      const grant = outputOf<LoginGrant>(event);
      return { token: grant.token, expiresAt: grant.expiresAt, user: grant.user, isNew: grant.isNew, retries: 0, error: null };
    }),
    announceLogin: emit(({ event }) => ({ type: 'loggedIn' as const, isNew: outputOf<LoginGrant>(event).isNew })),
    storeUser: assign({ user: ({ event }) => outputOf<UserOutput>(event).user, error: null }),
    recordError: assign({ error: ({ event }) => toLoginFailure(errorOf(event)) }),
    recordDenial: assign({ error: DENIED }),
    recordCapReached: assign({ error: RELOGIN_CAP_REACHED }),
    recordPhoneNotBound: assign({ error: PHONE_NOT_BOUND }),
    recordEraseNotDone: assign({ error: ERASE_NOT_DONE }),
    forgetToken: assign({ token: null, expiresAt: null }),
    forgetSession: assign({
      token: null, expiresAt: null, user: null, deepLink: null, consent: null,
      freshCode: null, retries: 0, relogins: 0, error: null, privacyRequest: null, phoneCode: null,
    }),
    /** A new app process: no gated call and no phone code of the old one is waiting any more. */
    forgetHeldCalls: assign({ privacyRequest: null, phoneCode: null }),
    keepPrivacyRequest: assign({
      privacyRequest: ({ event }) => {
        assertEvent(event, 'PRIVACY_NEEDED');
        return event.referrer;
      },
    }),
    markPrivacyAgreed: assign({ privacyAgreed: true, privacyRequest: null, error: null }),
    recordPrivacyRefused: assign({ error: PRIVACY_REFUSED, privacyRequest: null }),
    recordPrivacyInGap: assign({ error: PRIVACY_IN_GAP }),
    forgetError: assign({ error: null }),
    recordNotDeclared: assign(({ context, event }) => {
      assertEvent(event, 'PRIVACY_FAILED');
      return { error: privacyNotDeclared(event.scope, event.errMsg), undeclared: [...context.undeclared, event.scope] };
    }),
    keepPhoneCode: assign({
      phoneCode: ({ event }) => {
        assertEvent(event, 'BIND_PHONE');
        return event.code;
      },
    }),
    forgetPhoneCode: assign({ phoneCode: null }),
    countRelogin: assign({ relogins: ({ context }) => context.relogins + 1 }),
    resetRelogins: assign({ relogins: 0 }),
    queueRequest: assign({
      pendingRequests: ({ context, event }) => {
        assertEvent(event, ['QUEUE_REQUEST', 'LOGIN_GONE']);
        return context.pendingRequests.includes(event.requestId)
          ? context.pendingRequests
          : [...context.pendingRequests, event.requestId];
      },
    }),
    clearQueue: assign({ pendingRequests: [] }),
    /** A request answered "login gone" waits for the new token, unless it was already replayed once. */
    settleGoneRequest: settleRequest('queueRequest'),
    /** Answered "gone" for a token already replaced: replay with the new one (once). */
    settleStaleRequest: settleRequest('replayRequest'),
    keepConsent: assign({
      consent: ({ event }) => {
        assertEvent(event, 'CONSENT');
        return event.draft;
      },
      consentResent: false,
      error: null,
    }),
    forgetConsent: assign({ consent: null, consentResent: false, freshCode: null }),
    markConsentResent: assign({ consentResent: true }),
    keepFreshCode: assign({ freshCode: ({ event }) => outputOf<WxLoginOutput>(event).code }),
  },
  guards: {
    hasLiveToken: ({ context, event }) => {
      assertEvent(event, 'LAUNCH');
      return isTokenLive(context, event.now);
    },
    isTokenExpired: ({ context, event }) => {
      assertEvent(event, 'SHOW');
      return !isTokenLive(context, event.now);
    },
    needsConsent: ({ context }) => context.settings.profileRequired && !hasProfile(context.user),
    opensOutsideLoginPage: ({ context, event }) => {
      assertEvent(event, 'LAUNCH');
      const { loginPage } = context.settings;
      return loginPage !== null && pagePath(event.path) !== pagePath(loginPage);
    },
    isStaleToken: ({ context, event }) => {
      assertEvent(event, 'LOGIN_GONE');
      return event.token !== context.token;
    },
    reloginCapReached: ({ context }) => context.relogins >= context.settings.reloginCap,
    hasRelogins: ({ context }) => context.relogins > 0,
    canRetry: ({ context }) => context.retries < context.settings.maxRetries,
    isCodeRejected: ({ context }) => failedWith(context, ...CODE_REASONS),
    isTransientFailure: ({ context }) => failedWith(context, ...TRANSIENT_REASONS),
    isRateLimited: ({ context }) => failedWith(context, 'rateLimited'),
    isBlocked: ({ context }) => failedWith(context, 'blocked'),
    isDecryptFailure: ({ context }) => failedWith(context, 'decrypt'),
    isLoginGoneFailure: ({ context, event }) => failureInHand(context, event)?.reason === 'loginGone',
    isPrivacyAgreed: ({ event }) => !outputOf<PrivacySetting>(event).needAuthorization,
    hasAgreedBefore: ({ context }) => context.privacyAgreed,
    hasPrivacyRequest: ({ context }) => context.privacyRequest !== null,
    hasPhoneCode: ({ context }) => context.phoneCode !== null,
    isInGap: ({ event }) => {
      assertEvent(event, 'PRIVACY_FAILED');
      return event.failure === 'inGap';
    },
    isUndeclared: ({ event }) => {
      assertEvent(event, 'PRIVACY_FAILED');
      return event.failure === 'undeclared';
    },
    isUndeclaredReported: ({ context, event }) => {
      assertEvent(event, 'PRIVACY_FAILED');
      return event.failure === 'undeclared' && context.undeclared.includes(event.scope);
    },
    hasUnsentLegacyPayload: ({ context }) =>
      context.consent !== null && context.consent.kind === 'wechat' && !context.consentResent,

    // Composites, named so the inspector and the docs' diagrams show the rule, not `and(...)`.
    mayRetryWithFreshCode: and(['isCodeRejected', 'canRetry']),
    mayRetryAfterBackoff: and(['isTransientFailure', 'canRetry']),
    mayRetryAfterRateLimit: and(['isRateLimited', 'canRetry']),
    mayResendConsent: and(['isDecryptFailure', 'hasUnsentLegacyPayload']),
    needsConsentOutsideLoginPage: and(['hasLiveToken', 'needsConsent', 'opensOutsideLoginPage']),
    needsConsentWithPrivacyRequest: and(['needsConsent', 'hasPrivacyRequest']),
  },
  delays: {
    privacyGap: () => PRIVACY_GAP_MS,
    backoff: ({ context }) => backoffDelay(context),
    rateLimitWait: ({ context }) => rateLimitDelay(context),
  },
});

export const loginSetup = fullSetup as Pick<typeof fullSetup, 'createMachine'>;
