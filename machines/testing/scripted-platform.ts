// A scripted stand-in for the platform (wx.login, HTTP, navigation, toasts) so that the
// machine's own tests can drive every transition. It replaces only the platform edge: its
// calls run as the client's do, in the machine's own task actor.

import { createActor, SimulatedClock } from 'xstate';
import type { Snapshot } from 'xstate';
import { loginMachine } from '../login-machine.js';
import { fromTask } from '../task.js';
import type {
  BindPhoneInput, ExchangeCodeInput, LoginContext, LoginFailure, LoginGrant, LoginInput, PrivacySetting,
  RevokeSessionsInput, SessionUser, SubmitConsentInput, UserOutput, WxLoginOutput,
} from '../types.js';

type Answer<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** One platform call: records its inputs and answers from a script (or waits for one). */
export class ScriptedCall<I, O> {
  readonly calls: I[] = [];
  private readonly answers: Answer<O>[] = [];
  private readonly waiting: Array<(answer: Answer<O>) => void> = [];

  readonly logic = fromTask<O, I>((input) => {
    this.calls.push(input);
    return new Promise<O>((resolve, reject) => {
      const settle = (answer: Answer<O>) => (answer.ok ? resolve(answer.value) : reject(answer.error));
      const next = this.answers.shift();
      if (next) settle(next);
      else this.waiting.push(settle);
    });
  });

  succeed(value: O): this {
    return this.push({ ok: true, value });
  }

  fail(error: Partial<LoginFailure> & Pick<LoginFailure, 'reason'>): this {
    return this.push({ ok: false, error: { code: 'TEST', message: 'scripted failure', ...error } });
  }

  private push(answer: Answer<O>): this {
    const waiter = this.waiting.shift();
    if (waiter) waiter(answer);
    else this.answers.push(answer);
    return this;
  }
}

export const alice: SessionUser = { id: 'u1', nickname: 'Alice', avatarUrl: 'https://a/1.png', phone: null };
export const anonymous: SessionUser = { id: 'u2', nickname: null, avatarUrl: null, phone: null };
export const NOW = 1_700_000_000_000;
export const DAY = 86_400_000;

export function grant(token: string, user: SessionUser = alice, expiresAt = NOW + DAY): LoginGrant {
  return { token, expiresAt, user, isNew: false };
}

export interface Effect {
  type: string;
  ids?: string[];
  error?: string | null;
  deepLink?: LoginContext['deepLink'];
}

export function scriptedPlatform() {
  const wxLogin = new ScriptedCall<void, WxLoginOutput>();
  const exchangeCode = new ScriptedCall<ExchangeCodeInput, LoginGrant>();
  const submitConsent = new ScriptedCall<SubmitConsentInput, UserOutput>();
  const bindPhone = new ScriptedCall<BindPhoneInput, UserOutput>();
  const revokeSessions = new ScriptedCall<RevokeSessionsInput, void>();
  const eraseAccount = new ScriptedCall<RevokeSessionsInput, void>();
  const checkPrivacy = new ScriptedCall<void, PrivacySetting>();
  const effects: Effect[] = [];
  const log = (type: string, extra: Omit<Effect, 'type'> = {}) => effects.push({ type, ...extra });

  const machine = loginMachine.provide({
    actors: {
      wxLogin: wxLogin.logic,
      exchangeCode: exchangeCode.logic,
      submitConsent: submitConsent.logic,
      bindPhone: bindPhone.logic,
      revokeSessions: revokeSessions.logic,
      eraseAccount: eraseAccount.logic,
      checkPrivacy: checkPrivacy.logic,
    },
    actions: {
      redirectToLoginPage: ({ context }) => log('redirectToLoginPage', { deepLink: context.deepLink }),
      followDeepLink: ({ context }) => {
        if (context.deepLink) log('followDeepLink', { deepLink: context.deepLink });
      },
      replayQueuedRequests: ({ context }) => log('replayQueuedRequests', { ids: [...context.pendingRequests] }),
      rejectQueuedRequests: ({ context }) =>
        log('rejectQueuedRequests', { ids: [...context.pendingRequests], error: context.error?.code ?? null }),
      replayRequest: ({ event }) => log('replayRequest', { ids: [(event as { requestId: string }).requestId] }),
      rejectRequest: ({ context, event }) =>
        log('rejectRequest', { ids: [(event as { requestId: string }).requestId], error: context.error?.code ?? null }),
      showFailure: ({ context }) => log('showFailure', { error: context.error?.code ?? null }),
      showBusy: () => log('showBusy'),
      hideBusy: () => log('hideBusy'),
      showPrivacyPopup: ({ context }) => log('showPrivacyPopup', { error: context.privacyRequest }),
      agreePrivacy: ({ event }) => log('agreePrivacy', { ids: [(event as { buttonId: string }).buttonId] }),
      refusePrivacy: ({ context }) => log('refusePrivacy', { error: context.privacyRequest }),
      reportMisconfiguration: ({ context }) => log('reportMisconfiguration', { error: context.error?.code ?? null }),
    },
  });

  const clock = new SimulatedClock();
  const start = (input: LoginInput = {}, snapshot?: Snapshot<unknown>) => {
    const actor = createActor(machine, { input, clock, ...(snapshot ? { snapshot } : {}) });
    actor.start();
    return actor;
  };

  return { wxLogin, exchangeCode, submitConsent, bindPhone, revokeSessions, eraseAccount, checkPrivacy, effects, clock, start, machine };
}

/** Lets promise callbacks (the scripted answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

export function effectTypes(effects: Effect[]): string[] {
  return effects.map((effect) => effect.type);
}

/**
 * A fresh platform launched on the home page whose first silent login grants `t1` to `user`:
 * the common start of the machine's tests (signed in, or awaiting consent when required).
 */
export async function launchedPlatform(user: SessionUser = alice, input: LoginInput = {}) {
  const p = scriptedPlatform();
  p.wxLogin.succeed({ code: 'c1' });
  p.exchangeCode.succeed(grant('t1', user));
  const actor = p.start(input);
  actor.send({ type: 'LAUNCH', path: 'pages/index/index', query: {}, now: NOW });
  await settle();
  return { p, actor };
}
