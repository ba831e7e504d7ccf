// createMiniAuth: one login actor per app (create it in App.onLaunch, keep it on getApp()),
// and the API pages use. The machine decides; this file wires its stubs to the ports.

import { createActor } from 'xstate';
import type { ConsentDraft, LoginEvent, PrivacyScope } from '../machines/index.js';
import { loginMachine } from '../machines/index.js';
import { isMasked } from './inspect/masked.js';
import { loginActors } from './login-actors.js';
import { loginPageUrl, pageUrl } from './navigation.js';
import type { MiniAuthOptions } from './options.js';
import { resolveOptions } from './options.js';
import { loadSnapshot, snapshotWriter } from './persistence.js';
import { systemClock } from './ports.js';
import type { HttpResponse } from './ports.js';
import type { RequestConfig } from './requests.js';
import { createRequestBroker } from './requests.js';
import type { WxFailure } from './errors.js';
import type { PrivacyOwner } from './privacy-owner.js';
import { createPrivacyOwner } from './privacy-owner.js';
import type { AuthView, LoginSnapshot } from './view.js';
import { toAuthView } from './view.js';

/** App.onLaunch's options: the page opened (a shared card's page) and its query. */
export interface LaunchOptions {
  path?: string;
  query?: Record<string, string | undefined>;
}

/** The event detail of getUserProfile / `<button open-type="getUserInfo">`. */
export interface WxUserInfoDetail {
  errMsg?: string;
  encryptedData?: string;
  iv?: string;
  signature?: string;
  rawData?: string;
}

/** The event detail of `<button open-type="getPhoneNumber">`. */
export interface WxPhoneDetail {
  errMsg?: string;
  errno?: number;
  code?: string;
}

/** `bindagreeprivacyauthorization`'s event: the tapped button's id is what WeChat checks. */
export interface WxAgreeEvent {
  currentTarget?: { id?: string };
  target?: { id?: string };
}

export interface MiniAuth {
  start(launch?: LaunchOptions): void;
  request<T = unknown>(config: RequestConfig): Promise<HttpResponse<T>>;
  subscribe(listener: (snapshot: LoginSnapshot) => void): () => void;
  getSnapshot(): LoginSnapshot;
  getView(): AuthView;
  getToken(): string | null;
  /** Runs `fn` once signed in (at once if already); the returned function cancels it. */
  whenSignedIn(fn: () => void): () => void;
  login(): void;
  consent(profile: { nickname: string; avatarUrl: string }): void;
  consentWithWeChat(detail: WxUserInfoDetail): void;
  deny(): void;
  bindPhone(detail: WxPhoneDetail): void;
  logout(): void;
  logoutEverywhere(): void;
  /**
   * Erases the person's account on the server (DELETE /me), then signs out and keeps nothing
   * of them on the phone; no silent login follows (it would register a new, empty account).
   */
  erase(): void;
  onShow(): void;
  /** App.onHide: an open privacy popup waits in the background. */
  onHide(): void;
  retry(): void;
  /** Runs `listener` after each login the server granted; `isNew` when it registered the person. */
  onLogin(listener: (login: { isNew: boolean }) => void): () => void;
  /** Before a gated input gets focus (the nickname): checks the privacy guide, the popup shows if needed. */
  requirePrivacy(): void;
  /** `bindagreeprivacyauthorization` of `<button open-type="agreePrivacyAuthorization" id="…">`: pass its event or id. */
  agreePrivacy(tap: WxAgreeEvent | string): void;
  refusePrivacy(): void;
  /** wx.openPrivacyContract: the popup's link to the guide. */
  openPrivacyContract(): Promise<void>;
  /** A gated call's failure (chooseAvatar's binderror, say): true when it was the privacy gate's, now handled. */
  privacyFailed(detail: WxFailure, scope: PrivacyScope): boolean;
  stop(): void;
}

function report(error: unknown): void {
  console.warn('[miniauth]', error);
}

export function createMiniAuth(userOptions: MiniAuthOptions): MiniAuth {
  const options = resolveOptions(userOptions);
  const { platform, settings } = options;
  const clock = platform.clock ?? systemClock;
  const storageKey = `${options.storageKey}:login`;

  // The broker and the machine's actions refer to each other; the actor exists before any runs.
  let actor: ReturnType<typeof createActor<typeof loginMachine>>;
  const send = (event: LoginEvent) => actor.send(event);
  const privacy: PrivacyOwner = createPrivacyOwner(platform.privacy, options.privacy === 'popup', send);
  const requests = createRequestBroker({ platform, options, snapshot: () => actor.getSnapshot(), send });

  const machine = loginMachine.provide({
    actors: loginActors(platform, options, clock),
    actions: {
      redirectToLoginPage: ({ context }) => {
        const page = context.settings.loginPage;
        if (page) platform.navigator.reLaunch(loginPageUrl(page)).catch(report);
      },
      followDeepLink: ({ context }) => {
        if (context.deepLink && context.deepLink.path) platform.navigator.redirectTo(pageUrl(context.deepLink)).catch(report);
      },
      replayQueuedRequests: ({ context }) => requests.replay(context.pendingRequests, context.token),
      rejectQueuedRequests: ({ context }) => requests.reject(context.pendingRequests, context.error),
      replayRequest: ({ context, event }) => {
        if ('requestId' in event) requests.replay([event.requestId], context.token);
      },
      rejectRequest: ({ context, event }) => {
        if ('requestId' in event) requests.reject([event.requestId], context.error);
      },
      showFailure: ({ context }) => {
        const message = context.error ? options.failureMessage(context.error) : null;
        if (message) platform.feedback.toast(message);
      },
      showBusy: () => platform.feedback.showLoading(options.loadingTitle),
      hideBusy: () => platform.feedback.hideLoading(),
      showPrivacyPopup: () => privacy.shown(),
      agreePrivacy: ({ event }) => {
        if (event.type === 'PRIVACY_AGREE') privacy.agree(event.buttonId);
      },
      refusePrivacy: () => privacy.refuse(),
      reportMisconfiguration: ({ context }) => {
        if (context.error) options.onMisconfiguration(context.error);
      },
    },
  });

  const restored = loadSnapshot(platform.storage, storageKey, settings);
  // Masked always: an inspector is a window out of the app, and events carry codes and tokens too.
  const inspect = options.inspect;
  if (inspect !== undefined && !isMasked(inspect)) {
    throw new TypeError('miniauth: wrap the inspector in maskingInspector() (miniauth/client) so that it sees no token or code.');
  }
  actor = createActor(machine, { input: { settings }, clock, snapshot: restored, inspect });

  let waiters: Array<() => void> = [];
  const persist = snapshotWriter(platform.storage, storageKey);
  actor.subscribe({
    next: (snapshot) => {
      persist(snapshot, actor.getPersistedSnapshot());
      if (!snapshot.hasTag('signedIn') || waiters.length === 0) return;
      const ready = waiters;
      waiters = [];
      for (const fn of ready) {
        try {
          fn();
        } catch (error) {
          report(error);
        }
      }
    },
    error: report,
  });
  actor.start();

  /** A gated call's failure, as the machine's event: true when it was the gate's. */
  const gateFailure = (detail: WxFailure, scope: PrivacyScope): boolean => {
    const event = privacy.failureEvent(detail, scope);
    if (event === null) return false;
    if (event !== 'known') send(event);
    return true;
  };

  let started = false;
  return {
    start(launch = {}) {
      if (started) return; // one launch per actor: a second call would restart the login
      started = true;
      const query: Record<string, string> = {};
      const given = launch.query || {};
      for (const key of Object.keys(given)) query[key] = given[key] || '';
      send({ type: 'LAUNCH', path: launch.path || '', query, now: clock.now() });
    },
    request: (config) => requests.request(config),
    subscribe(listener) {
      const subscription = actor.subscribe(listener);
      return () => subscription.unsubscribe();
    },
    getSnapshot: () => actor.getSnapshot(),
    getView: () => toAuthView(actor.getSnapshot()),
    getToken: () => actor.getSnapshot().context.token,
    whenSignedIn(fn) {
      if (actor.getSnapshot().hasTag('signedIn')) {
        fn();
        return () => {};
      }
      waiters.push(fn);
      return () => {
        waiters = waiters.filter((waiter) => waiter !== fn);
      };
    },
    login: () => send({ type: 'LOGIN' }),
    consent: ({ nickname, avatarUrl }) => send({ type: 'CONSENT', draft: { kind: 'profile', nickname, avatarUrl } }),
    consentWithWeChat(detail) {
      const { encryptedData, iv, signature, rawData } = detail;
      if (!encryptedData && gateFailure(detail, 'profile')) return;
      if (!encryptedData || !iv || /fail/.test(detail.errMsg || '')) {
        send({ type: 'DENY' });
        return;
      }
      const draft: ConsentDraft = { kind: 'wechat', encryptedData, iv };
      if (signature) draft.signature = signature;
      if (rawData) draft.rawData = rawData;
      send({ type: 'CONSENT', draft });
    },
    deny: () => send({ type: 'DENY' }),
    bindPhone(detail) {
      if (detail.code) send({ type: 'BIND_PHONE', code: detail.code });
      else if (!gateFailure(detail, 'phone')) send({ type: 'DENY' });
    },
    logout: () => send({ type: 'LOGOUT' }),
    logoutEverywhere: () => send({ type: 'LOGOUT_EVERYWHERE' }),
    erase: () => send({ type: 'ERASE' }),
    onShow: () => send({ type: 'SHOW', now: clock.now() }),
    onHide: () => send({ type: 'HIDE' }),
    retry: () => send({ type: 'RETRY' }),
    onLogin(listener) {
      const subscription = actor.on('loggedIn', ({ isNew }) => listener({ isNew }));
      return () => subscription.unsubscribe();
    },
    requirePrivacy: () => send({ type: 'PRIVACY_CHECK' }),
    agreePrivacy(tap) {
      const buttonId = typeof tap === 'string' ? tap : tap.currentTarget?.id || tap.target?.id || '';
      send({ type: 'PRIVACY_AGREE', buttonId });
    },
    refusePrivacy: () => send({ type: 'PRIVACY_REFUSE' }),
    openPrivacyContract: () => (platform.privacy ? platform.privacy.openContract() : Promise.resolve()),
    privacyFailed: gateFailure,
    stop: () => actor.stop(),
  };
}
