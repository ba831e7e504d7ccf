import { deliver, fail, ok, succeeded, failed, type Settled } from './callbacks.js';
import type { WxFailResult } from '../wx-types.js';

/**
 * The privacy consent gate WeChat enforces since 2023-10-17 (base library 2.32.3): every privacy
 * API waits until the person has agreed to the app's privacy guide. The app's listener
 * (`wx.onNeedPrivacyAuthorization`) shows its own popup and answers through `resolve`; without
 * a listener WeChat shows its own popup, and after a refusal every gated call fails at once for
 * 10 s ("in gap"). A call whose data type the guide does not declare fails with errno 112.
 */

/** The gated calls the simulator knows, by the name WeChat uses in their errMsg. */
export type PrivacyApi = 'getPhoneNumber' | 'chooseAvatar' | 'nickname' | 'getUserProfile' | 'getUserInfo' | 'requirePrivacyAuthorize';

/** `resolve`'s argument, as WeChat documents it. */
export interface PrivacyResolution {
  event: 'exposureAuthorization' | 'agree' | 'disagree';
  buttonId?: string;
}

export type PrivacyResolve = (resolution: PrivacyResolution) => void;
export type PrivacyListener = (resolve: PrivacyResolve, eventInfo: { referrer: string }) => void;

/** What the device side sets for a test: the app's guide and the person's answers. */
export interface PrivacySettings {
  /** Whether the base library has the privacy APIs at all (2.32.3 and later). */
  supported: boolean;
  /** The guide's version: raising it (a newly declared data type) asks the person again. */
  guideVersion: number;
  /** The version the person agreed to (0: never). */
  agreedVersion: number;
  /** Gated calls whose data type the guide does not declare (errno 112). */
  undeclared: PrivacyApi[];
  /** The person's answer to WeChat's own popup, shown when the app registered no listener. */
  wechatPopup: 'agree' | 'refuse';
}

export const PRIVACY_GAP_MS = 10_000;
export const PRIVACY_CONTRACT_NAME = '《小程序隐私保护指引》';

/** Where a privacy popup came from, for the test's assertions. */
export interface PrivacyRecord {
  at: number;
  api: PrivacyApi;
  /** `app`: the app's listener was asked; `wechat`: WeChat's own popup was shown. */
  popup: 'app' | 'wechat' | 'none';
  outcome: 'agreed' | 'refused' | 'inGap' | 'undeclared' | 'clickNeeded' | 'pending';
}

interface Pending {
  api: PrivacyApi;
  settle(outcome: Settled<void, WxFailResult>): void;
  record: PrivacyRecord;
}

export class PrivacyGate {
  readonly settings: PrivacySettings = { supported: true, guideVersion: 1, agreedVersion: 0, undeclared: [], wechatPopup: 'agree' };
  readonly records: PrivacyRecord[] = [];
  exposures = 0;
  contractsOpened = 0;
  private listener: PrivacyListener | null = null;
  private pending: Pending | null = null;
  /** Ids of agree buttons tapped since the pending call began. */
  private tapped = new Set<string>();
  private gapUntil = 0;
  /** Failures injected for the next call of a privacy API (fault injection for tests). */
  private readonly faults = new Map<'getPrivacySetting' | 'requirePrivacyAuthorize' | 'openPrivacyContract', string>();

  /** The next call of `api` fails with `reason` (`getPrivacySetting:fail <reason>`). */
  failNext(api: 'getPrivacySetting' | 'requirePrivacyAuthorize' | 'openPrivacyContract', reason: string): void {
    this.faults.set(api, reason);
  }

  private injected(api: 'getPrivacySetting' | 'requirePrivacyAuthorize' | 'openPrivacyContract'): WxFailResult | null {
    const reason = this.faults.get(api);
    if (reason === undefined) return null;
    this.faults.delete(api);
    return fail(api, reason);
  }

  constructor(private readonly now: () => number) {}

  get agreed(): boolean {
    return this.settings.agreedVersion >= this.settings.guideVersion;
  }

  hasListener(): boolean {
    return this.listener !== null;
  }

  /** The gated call waiting on the person's answer, if any. */
  waiting(): PrivacyApi | null {
    return this.pending?.api ?? null;
  }

  /** `<button open-type="agreePrivacyAuthorization" id="…">` tapped: the tap itself agrees. */
  tapAgree(buttonId: string): { type: 'agreeprivacyauthorization'; detail: { errMsg: string }; currentTarget: { id: string } } {
    this.settings.agreedVersion = this.settings.guideVersion;
    this.tapped.add(buttonId);
    return { type: 'agreeprivacyauthorization', detail: { errMsg: 'agreePrivacyAuthorization:ok' }, currentTarget: { id: buttonId } };
  }

  /**
   * Passes a gated call, or says why it may not go on. Resolves once the person has answered
   * the app's popup when one is needed: the call stays pending until then.
   */
  gate(api: PrivacyApi, referrer: string): Promise<Settled<void, WxFailResult>> {
    const record: PrivacyRecord = { at: this.now(), api, popup: 'none', outcome: 'agreed' };
    this.records.push(record);
    if (!this.settings.supported) return Promise.resolve(succeeded(undefined));
    if (this.settings.undeclared.includes(api)) {
      record.outcome = 'undeclared';
      return Promise.resolve(failed(fail(api, 'api scope is not declared in the privacy agreement', 112)));
    }
    if (this.agreed) return Promise.resolve(succeeded(undefined));
    if (this.listener) return this.askApp(api, referrer, record);
    if (this.now() < this.gapUntil) {
      record.outcome = 'inGap';
      return Promise.resolve(failed(fail(api, 'privacy permission is not authorized in gap')));
    }
    record.popup = 'wechat';
    if (this.settings.wechatPopup === 'agree') {
      this.settings.agreedVersion = this.settings.guideVersion;
      return Promise.resolve(succeeded(undefined));
    }
    record.outcome = 'refused';
    this.gapUntil = this.now() + PRIVACY_GAP_MS;
    return Promise.resolve(failed(fail(api, 'privacy permission is not authorized', 104)));
  }

  private askApp(api: PrivacyApi, referrer: string, record: PrivacyRecord): Promise<Settled<void, WxFailResult>> {
    record.popup = 'app';
    record.outcome = 'pending';
    // WeChat keeps one pending call per listener call: an older one is refused when a newer one asks.
    this.pending?.settle(failed(fail(this.pending.api, 'privacy permission is not authorized', 104)));
    this.tapped = new Set();
    return new Promise((done) => {
      let settled = false;
      const pending: Pending = {
        api,
        record,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          if (this.pending === pending) this.pending = null;
          done(outcome);
        },
      };
      this.pending = pending;
      const resolve: PrivacyResolve = (resolution) => {
        if (settled) return; // resolve answers once; later calls are ignored
        switch (resolution?.event) {
          case 'exposureAuthorization':
            this.exposures += 1;
            return;
          case 'agree':
            if (resolution.buttonId === undefined || !this.tapped.has(resolution.buttonId)) {
              record.outcome = 'clickNeeded';
              pending.settle(failed(fail(api, 'click action before resolve is needed')));
              return;
            }
            record.outcome = 'agreed';
            pending.settle(succeeded(undefined));
            return;
          case 'disagree':
            record.outcome = 'refused';
            pending.settle(failed(fail(api, 'privacy permission is not authorized', 104)));
            return;
          default:
        }
      };
      this.listener!(resolve, { referrer });
    });
  }

  /** `wx.getPrivacySetting`, `wx.onNeedPrivacyAuthorization`, `wx.requirePrivacyAuthorize`, `wx.openPrivacyContract`. */
  api() {
    return {
      getPrivacySetting: (option: { success?: (result: { needAuthorization: boolean; privacyContractName: string; errMsg: string }) => void; fail?: (error: WxFailResult) => void; complete?: (result: unknown) => void } = {}) => {
        const fault = this.injected('getPrivacySetting');
        if (fault) return deliver(option, failed(fault));
        // WeChat: false when the guide declares nothing to collect, or the person agreed to this version.
        deliver(option, succeeded({ needAuthorization: !this.agreed, privacyContractName: PRIVACY_CONTRACT_NAME, ...ok('getPrivacySetting') }));
      },
      onNeedPrivacyAuthorization: (listener: PrivacyListener) => {
        this.listener = listener; // WeChat keeps one listener: a new one replaces the old
      },
      requirePrivacyAuthorize: (option: { success?: (result: { errMsg: string }) => void; fail?: (error: WxFailResult) => void; complete?: (result: unknown) => void } = {}) => {
        const fault = this.injected('requirePrivacyAuthorize');
        if (fault) return deliver(option, failed(fault));
        deliver(option, this.gate('requirePrivacyAuthorize', 'requirePrivacyAuthorize').then(
          (settled): Settled<{ errMsg: string }, WxFailResult> => (settled.ok ? succeeded(ok('requirePrivacyAuthorize')) : settled),
        ));
      },
      openPrivacyContract: (option: { success?: (result: { errMsg: string }) => void; fail?: (error: WxFailResult) => void; complete?: (result: unknown) => void } = {}) => {
        const fault = this.injected('openPrivacyContract');
        if (fault) return deliver(option, failed(fault));
        this.contractsOpened += 1;
        deliver(option, succeeded(ok('openPrivacyContract')));
      },
    };
  }
}
