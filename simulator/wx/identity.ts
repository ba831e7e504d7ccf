import { randomBytes } from 'node:crypto';
import { asyncCall, fail, failed, ok, succeeded, type Settled } from './callbacks.js';
import type { DeviceAnswer, DeviceLink } from './device-link.js';
import { NETWORK_FAILURES, type WxNetwork } from './network.js';
import { NO_QUOTA_ERRNO, NO_QUOTA_REASON } from '../phone-quota.js';
import type { PrivacyGate } from './privacy.js';
import type {
  CheckSessionOption,
  ChooseAvatarEvent,
  GeneralCallbackResult,
  GetPhoneNumberEvent,
  GetUserInfoOption,
  GetUserProfileOption,
  LoginOption,
  LoginSuccessResult,
  UserInfo,
  UserInfoResult,
  SimulatedWx,
  WxFailResult,
} from '../wx-types.js';

/**
 * Who the user is to WeChat: `wx.login`, `wx.checkSession`, the profile dialogs and the
 * avatar and phone buttons. The user's answer to each dialog is set by the test beforehand.
 */

export interface UserDecisions {
  profile: 'allow' | 'deny';
  /** `no-quota`: the app's paid phone-number quota is spent (errno 1400001). */
  phone: 'allow' | 'deny' | 'no-quota';
  /** WeChat's content review of a nickname typed into `<input type="nickname">` (base library 2.24.4+). */
  nicknameReview: 'pass' | 'reject' | 'timeout';
}

/** What `<input type="nickname">` leaves in the form when the person has typed and left the field. */
export interface NicknameEntry {
  /** What the form's submit reads: cleared when the review rejected it. */
  value: string;
  /** `bindnicknamereview`'s detail; null when the input behaved as a plain text field (no consent). */
  review: { pass: boolean; timeout: boolean } | null;
  /** How the privacy gate answered the focus, when it refused. */
  privacy?: WxFailResult;
}

/** WeChat's call-frequency rule for wx.login: no more than 4 calls a second per person. */
export const WX_LOGIN_LIMIT = { calls: 4, perMs: 1000 } as const;
/** WeChat's answer to a wx.login past the rule (reported by developers; WeChat also warns the operator). */
export const WX_LOGIN_TOO_FREQUENT = 'API called too frequently';

export interface LoginRecord {
  at: number;
  errMsg: string;
  code?: string;
}

export class Identity {
  readonly logins: LoginRecord[] = [];
  readonly decisions: UserDecisions = { profile: 'allow', phone: 'allow', nicknameReview: 'pass' };
  /** wx.login calls past WeChat's frequency rule (each answered with a failure). */
  readonly tooFrequent: LoginRecord[] = [];
  private loginTimes: number[] = [];
  /** Answer profiles as WeChat has since 2022-10: "微信用户" and a grey avatar. */
  anonymousProfile = false;
  /** Calls to the device side whose answer has not landed yet. */
  inFlight = 0;

  constructor(
    private readonly device: DeviceLink,
    private readonly network: WxNetwork,
    private readonly privacy: PrivacyGate,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a wx.login against WeChat's rule; true when it is one too many. */
  private overLoginLimit(): boolean {
    const at = this.now();
    this.loginTimes = this.loginTimes.filter((time) => time > at - WX_LOGIN_LIMIT.perMs);
    this.loginTimes.push(at);
    return this.loginTimes.length > WX_LOGIN_LIMIT.calls;
  }

  api(): Pick<SimulatedWx, 'login' | 'checkSession' | 'getUserProfile' | 'getUserInfo'> {
    return {
      login: asyncCall((option?: LoginOption) => {
        if (this.overLoginLimit()) {
          const refused = fail('login', WX_LOGIN_TOO_FREQUENT, -1);
          this.tooFrequent.push({ at: this.now(), errMsg: refused.errMsg });
          this.logins.push({ at: this.now(), errMsg: refused.errMsg });
          return failed(refused);
        }
        const outcome = this.call('login', option?.timeout, (signal) => this.device.forUser('/__sim/login', {}, signal)).then(
          (answer): Settled<LoginSuccessResult, WxFailResult> => {
            if (!answer.ok) return failed(answer.error);
            const code = answer.value.code;
            if (typeof code !== 'string') return failed(fail('login', 'odd answer from the simulator'));
            return succeeded({ ...ok('login'), code });
          },
        );
        void outcome.then((settled) => {
          this.logins.push(
            settled.ok
              ? { at: this.now(), errMsg: settled.value.errMsg, code: settled.value.code }
              : { at: this.now(), errMsg: settled.error.errMsg },
          );
        });
        return outcome;
      }),
      checkSession: asyncCall((_option?: CheckSessionOption) =>
        this.call('checkSession', undefined, (signal) => this.device.forUser('/__sim/check-session', {}, signal)).then(
          (answer): Settled<GeneralCallbackResult, WxFailResult> => {
            if (!answer.ok) return failed(answer.error);
            return answer.value.valid === true ? succeeded(ok('checkSession')) : failed(fail('checkSession', 'session time out'));
          },
        ),
      ),
      getUserProfile: asyncCall((option?: GetUserProfileOption) => {
        if (typeof option?.desc !== 'string') {
          return failed(fail('getUserProfile', 'parameter error: parameter.desc should be String instead of Undefined;'));
        }
        if (option.desc.length === 0 || option.desc.length > 30) {
          return failed(fail('getUserProfile', 'desc length does not meet the requirements'));
        }
        return this.gated('getUserProfile', 'getUserProfile', () => this.profile('getUserProfile'));
      }),
      getUserInfo: asyncCall((_option?: GetUserInfoOption) => this.gated('getUserInfo', 'getUserInfo', () => this.profile('getUserInfo'))),
    };
  }

  /** A privacy-gated call: the gate first (it may wait on the app's popup), then the call. */
  private async gated<S>(api: 'getUserProfile' | 'getUserInfo', referrer: string, call: () => Promise<Settled<S, WxFailResult>>): Promise<Settled<S, WxFailResult>> {
    const gate = await this.privacy.gate(api, referrer);
    return gate.ok ? call() : gate;
  }

  /**
   * `<button open-type="chooseAvatar">` on a phone where nothing needs asking (agreed, or
   * WeChat's own popup agreed at once): the event a page's handler receives. Where the app's
   * popup must be answered first, use `tapChooseAvatar()`.
   */
  chooseAvatar(): ChooseAvatarEvent {
    const { settings } = this.privacy;
    const asksApp = settings.supported && !this.privacy.agreed && !settings.undeclared.includes('chooseAvatar');
    if (asksApp && (this.privacy.hasListener() || settings.wechatPopup !== 'agree')) {
      throw new Error('chooseAvatar(): the privacy guide must be answered first; use `await sim.tapChooseAvatar()`');
    }
    void this.privacy.gate('chooseAvatar', 'button.chooseAvatar');
    return avatarEvent();
  }

  /** `<button open-type="chooseAvatar">` tapped: the privacy gate, then the event (or how the gate refused). */
  async tapChooseAvatar(): Promise<ChooseAvatarEvent | { type: 'error'; detail: WxFailResult }> {
    const gate = await this.privacy.gate('chooseAvatar', 'button.chooseAvatar');
    return gate.ok ? avatarEvent() : { type: 'error', detail: gate.error };
  }

  /**
   * The person focuses `<input type="nickname">`, picks or types `text` and leaves the field.
   * Without consent it is a plain text field (no review); with it, WeChat reviews the nickname
   * and clears a rejected one on blur.
   */
  async typeNickname(text: string): Promise<NicknameEntry> {
    const gate = await this.privacy.gate('nickname', 'input.nickname');
    if (!gate.ok) return { value: text, review: null, privacy: gate.error };
    switch (this.decisions.nicknameReview) {
      case 'reject':
        return { value: '', review: { pass: false, timeout: false } };
      case 'timeout':
        return { value: text, review: { pass: false, timeout: true } };
      default:
        return { value: text, review: { pass: true, timeout: false } };
    }
  }

  /** `<button open-type="getPhoneNumber">` tapped: the privacy gate, then the event after the user's decision. */
  async getPhoneNumber(): Promise<GetPhoneNumberEvent> {
    const gate = await this.privacy.gate('getPhoneNumber', 'button.getPhoneNumber');
    if (!gate.ok) return phoneEvent(gate.error);
    if (this.decisions.phone === 'deny') return phoneEvent({ errMsg: 'getPhoneNumber:fail user deny' });
    if (this.decisions.phone === 'no-quota') return phoneEvent(fail('getPhoneNumber', NO_QUOTA_REASON, NO_QUOTA_ERRNO));
    // The quota is checked when the person taps: with the app's quota spent on the device side,
    // the answer is errno 1400001 and nothing is charged.
    const answer = await this.call('getPhoneNumber', undefined, (signal) => this.device.forUser('/__sim/phone-code', {}, signal));
    if (!answer.ok) return phoneEvent(answer.error);
    const code = answer.value.code;
    return phoneEvent(typeof code === 'string' ? { errMsg: 'getPhoneNumber:ok', code } : { errMsg: 'getPhoneNumber:fail' });
  }

  private async profile(api: 'getUserProfile' | 'getUserInfo'): Promise<Settled<UserInfoResult, WxFailResult>> {
    if (this.decisions.profile === 'deny') return failed(fail(api, 'auth deny'));
    const answer = await this.call(api, undefined, (signal) =>
      this.device.forUser('/__sim/user-info', { anonymous: this.anonymousProfile }, signal),
    );
    if (!answer.ok) return failed(answer.error);
    const { userInfo, rawData, signature, encryptedData, iv } = answer.value;
    if (
      !isUserInfo(userInfo) ||
      typeof rawData !== 'string' ||
      typeof signature !== 'string' ||
      typeof encryptedData !== 'string' ||
      typeof iv !== 'string'
    ) {
      return failed(fail(api, 'odd answer from the simulator'));
    }
    return succeeded({ ...ok(api), userInfo, rawData, signature, encryptedData, iv });
  }

  /** A device call that honours the runtime's network switch and a timeout. */
  private async call(
    api: string,
    timeout: number | undefined,
    send: (signal: AbortSignal) => Promise<DeviceAnswer>,
  ): Promise<Settled<Record<string, unknown>, WxFailResult>> {
    const { offline, timeout: timedOut } = NETWORK_FAILURES;
    if (this.network.mode === 'offline') return failed(fail(api, offline.reason, offline.errno));
    const limit = this.network.timeoutFor(timeout === undefined ? {} : { timeout });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limit);
    this.inFlight += 1;
    try {
      if (this.network.mode === 'timeout') {
        await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
        return failed(fail(api, timedOut.reason, timedOut.errno));
      }
      const answer = await send(controller.signal);
      if (answer.ok) return succeeded(answer.body);
      if (controller.signal.aborted) return failed(fail(api, timedOut.reason, timedOut.errno));
      // The device side may answer with the phone's own errMsg and errno (the spent phone-number
      // quota: `getPhoneNumber:fail no permission`, 1400001): passed on as the phone gets them.
      const prefix = `${api}:fail `;
      const reason = answer.reason.startsWith(prefix) ? answer.reason.slice(prefix.length) : answer.reason;
      return failed(fail(api, reason, answer.errno));
    } catch (error) {
      return failed(fail(api, error instanceof Error ? error.message : 'unknown error'));
    } finally {
      clearTimeout(timer);
      this.inFlight -= 1;
    }
  }
}

function avatarEvent(): ChooseAvatarEvent {
  return { type: 'chooseavatar', detail: { avatarUrl: `http://tmp/${randomBytes(8).toString('hex')}.jpeg` } };
}

function phoneEvent(detail: GetPhoneNumberEvent['detail']): GetPhoneNumberEvent {
  return { type: 'getphonenumber', detail };
}

function isUserInfo(value: unknown): value is UserInfo {
  if (typeof value !== 'object' || value === null) return false;
  return typeof Reflect.get(value, 'nickName') === 'string' && typeof Reflect.get(value, 'avatarUrl') === 'string';
}
