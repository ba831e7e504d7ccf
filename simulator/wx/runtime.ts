import type { AccountInfo, ChooseAvatarEvent, GetCurrentPages, GetPhoneNumberEvent, LaunchOptions, SimulatedWx, WxPage } from '../wx-types.js';
import { deviceInfoApi } from './device-info.js';
import { DeviceLink, type SimUserRef } from './device-link.js';
import { Identity, type LoginRecord, type NicknameEntry, type UserDecisions } from './identity.js';
import { PrivacyGate, type PrivacyRecord, type PrivacySettings } from './privacy.js';
import { AppLifecycle, type LaunchSpec } from './lifecycle.js';
import { DEFAULT_TIMEOUT_MS, WxNetwork, type NetworkMode, type SentRequest } from './network.js';
import { navigationApi, PageStack } from './pages.js';
import { Screen, type LoadingRecord, type ModalAnswer, type ModalRecord, type ToastRecord } from './screen.js';
import { storageApi, WxStorage } from './storage.js';

export interface WxRuntimeOptions {
  /** Base URL of a running simulator (its device half serves `wx.login` and the dialogs). */
  simulatorUrl: string;
  appId: string;
  /** Be this user (created on the simulator if missing); a new user when absent. */
  openid?: string;
  /**
   * The phone's storage: pass the one of an earlier runtime for "same phone". A storage that
   * has been used by a runtime remembers that runtime's WeChat account, so a runtime given it
   * (and no `openid`) is the same person on the same phone.
   */
  storage?: WxStorage;
  /** The phone's clock (epoch ms): the 10 s privacy gap and wx.login's call-frequency rule run on it. */
  clock?: () => number;
  /** The app's privacy guide and the person's answers (the defaults: a guide not yet agreed to, WeChat's own popup agreed). */
  privacy?: Partial<PrivacySettings>;
  /** The routes of app.json; when given, navigation to any other route fails as on WeChat. */
  pages?: string[];
  /** Default `wx.request` and `wx.login` timeout in ms (app.json networkTimeout); WeChat's is 60000. */
  networkTimeout?: number;
  decisions?: Partial<UserDecisions>;
  /** Answer profile dialogs as WeChat has since 2022-10 (grey avatar, "微信用户"). */
  anonymousProfile?: boolean;
}

/** The test's side of the phone: what the user decides and what the user saw. */
export interface WxTestHandle {
  readonly appId: string;
  readonly storage: WxStorage;
  /** The simulated user (created on first need); its sessionKey is for assertions only. */
  user(): Promise<SimUserRef>;
  setNetwork(mode: NetworkMode): void;
  decide(decisions: Partial<UserDecisions>): void;
  answerModals(answer: ModalAnswer): void;
  setAnonymousProfile(anonymous: boolean): void;
  /** Requests that went out on the wire, oldest first. */
  readonly requests: readonly SentRequest[];
  /** How many `wx.request` calls are still waiting for their answer. */
  requestsInFlight(): number;
  /**
   * The `wx.request`, `wx.login`, `wx.checkSession` and profile-dialog calls still waiting for
   * their answer (their callbacks run in the same turn as it lands). Zero, with the app idle,
   * means no answer is on its way that could make it do more.
   */
  inFlight(): number;
  readonly logins: readonly LoginRecord[];
  readonly toasts: readonly ToastRecord[];
  readonly loadings: readonly LoadingRecord[];
  readonly modals: readonly ModalRecord[];
  /** The loading indicator on screen now, if any. */
  loading(): LoadingRecord | null;
  pages(): WxPage[];
  /** Cold start on a page (a shared card: path, query, scene 1007). */
  launch(spec: LaunchSpec): LaunchOptions;
  hide(): void;
  show(spec?: Partial<LaunchSpec>): LaunchOptions;
  isForeground(): boolean;
  /** The user picks an avatar with `<button open-type="chooseAvatar">`. */
  chooseAvatar(): ChooseAvatarEvent;
  /** The user taps `<button open-type="getPhoneNumber">`: the privacy gate, then the detail follows `decide({ phone })`. */
  tapGetPhoneNumber(): Promise<GetPhoneNumberEvent>;
  /** The user taps `<button open-type="chooseAvatar">`: the privacy gate first (it may wait on the app's popup). */
  tapChooseAvatar(): ReturnType<Identity['tapChooseAvatar']>;
  /** The user focuses `<input type="nickname">`, enters `text` and leaves the field; the review follows `decide({ nicknameReview })`. */
  typeNickname(text: string): Promise<NicknameEntry>;
  /** The user taps the app's `<button open-type="agreePrivacyAuthorization" id="…">`: the event its handler receives. */
  tapAgreePrivacy(buttonId: string): ReturnType<PrivacyGate['tapAgree']>;
  /** Sets the app's privacy guide and the person's answers (`guideVersion` up: a newly declared data type). */
  setPrivacy(settings: Partial<PrivacySettings>): void;
  readonly privacy: Readonly<PrivacySettings>;
  /** Every gated call and how the gate answered it, oldest first. */
  readonly privacyRecords: readonly PrivacyRecord[];
  /** How often the app reported its popup shown (`resolve({ event: 'exposureAuthorization' })`), and opened the contract. */
  privacyExposures(): number;
  privacyContractsOpened(): number;
  /** The gated call waiting on the app's popup, if any. */
  privacyWaiting(): string | null;
  /** Fault injection: the next call of a privacy API fails with `reason`. */
  failPrivacyCall(api: 'getPrivacySetting' | 'requirePrivacyAuthorize' | 'openPrivacyContract', reason: string): void;
  /** wx.login calls refused by WeChat's call-frequency rule (more than 4 a second). */
  readonly tooFrequentLogins: readonly LoginRecord[];
}

export interface WxRuntime {
  wx: SimulatedWx;
  /** The runtime's global `getCurrentPages`. */
  getCurrentPages: GetCurrentPages;
  sim: WxTestHandle;
}

/** A phone running the mini program: a `wx` object bound to one simulator and one user. */
export function createWxRuntime(options: WxRuntimeOptions): WxRuntime {
  const simulatorUrl = options.simulatorUrl.replace(/\/+$/, '');
  const storage = options.storage ?? new WxStorage();
  const referer = `https://servicewechat.com/${options.appId}/devtools/page-frame.html`;
  const network = new WxNetwork(referer, options.networkTimeout ?? DEFAULT_TIMEOUT_MS);
  const clock = options.clock ?? Date.now;
  const device = new DeviceLink(simulatorUrl, options.appId, options.openid ?? storage.wechatAccount(options.appId), (openid) => {
    storage.rememberWechatAccount(options.appId, openid);
  });
  const privacy = new PrivacyGate(clock);
  Object.assign(privacy.settings, options.privacy);
  const identity = new Identity(device, network, privacy, clock);
  Object.assign(identity.decisions, options.decisions);
  identity.anonymousProfile = options.anonymousProfile ?? false;
  const stack = new PageStack(options.pages);
  const lifecycle = new AppLifecycle(stack, options.pages?.[0] ?? 'pages/index/index');
  const screen = new Screen();

  const wx: SimulatedWx = {
    ...deviceInfoApi(options.appId),
    ...identity.api(),
    ...(privacy.settings.supported ? privacy.api() : {}),
    request: (option) => network.request(option),
    ...storageApi(storage),
    ...screen.api(),
    ...navigationApi(stack),
    ...lifecycle.api(),
    // `plugin` is there only when a plugin asks; the typings name it always.
    getAccountInfoSync: () => ({ miniProgram: { appId: options.appId, envVersion: 'develop', version: '' } }) as AccountInfo,
  };

  const sim: WxTestHandle = {
    appId: options.appId,
    storage,
    user: () => device.ensureUser(),
    setNetwork: (mode) => {
      network.mode = mode;
    },
    decide: (decisions) => Object.assign(identity.decisions, decisions),
    answerModals: (answer) => {
      screen.modalAnswer = answer;
    },
    setAnonymousProfile: (anonymous) => {
      identity.anonymousProfile = anonymous;
    },
    requests: network.sent,
    requestsInFlight: () => network.inFlight,
    inFlight: () => network.inFlight + identity.inFlight,
    logins: identity.logins,
    toasts: screen.toasts,
    loadings: screen.loadings,
    modals: screen.modals,
    loading: () => screen.loading(),
    pages: () => stack.pages(),
    launch: (spec) => lifecycle.launch(spec),
    hide: () => lifecycle.hide(),
    show: (spec) => lifecycle.show(spec),
    isForeground: () => lifecycle.foreground,
    chooseAvatar: () => identity.chooseAvatar(),
    tapGetPhoneNumber: () => identity.getPhoneNumber(),
    tapChooseAvatar: () => identity.tapChooseAvatar(),
    typeNickname: (text) => identity.typeNickname(text),
    tapAgreePrivacy: (buttonId) => privacy.tapAgree(buttonId),
    setPrivacy: (settings) => Object.assign(privacy.settings, settings),
    privacy: privacy.settings,
    privacyRecords: privacy.records,
    privacyExposures: () => privacy.exposures,
    privacyContractsOpened: () => privacy.contractsOpened,
    privacyWaiting: () => privacy.waiting(),
    tooFrequentLogins: identity.tooFrequent,
    failPrivacyCall: (api, reason) => privacy.failNext(api, reason),
  };

  return { wx, getCurrentPages: () => stack.pages(), sim };
}
