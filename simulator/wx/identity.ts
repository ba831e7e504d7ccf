import { randomBytes } from 'node:crypto';
import { asyncCall, fail, failed, ok, succeeded, type Settled } from './callbacks.js';
import type { DeviceAnswer, DeviceLink } from './device-link.js';
import { NETWORK_FAILURES, type WxNetwork } from './network.js';
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
}

export interface LoginRecord {
  at: number;
  errMsg: string;
  code?: string;
}

export class Identity {
  readonly logins: LoginRecord[] = [];
  readonly decisions: UserDecisions = { profile: 'allow', phone: 'allow' };
  /** Answer profiles as WeChat has since 2022-10: "微信用户" and a grey avatar. */
  anonymousProfile = false;
  /** Calls to the device side whose answer has not landed yet. */
  inFlight = 0;

  constructor(
    private readonly device: DeviceLink,
    private readonly network: WxNetwork,
  ) {}

  api(): Pick<SimulatedWx, 'login' | 'checkSession' | 'getUserProfile' | 'getUserInfo'> {
    return {
      login: asyncCall((option?: LoginOption) => {
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
              ? { at: Date.now(), errMsg: settled.value.errMsg, code: settled.value.code }
              : { at: Date.now(), errMsg: settled.error.errMsg },
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
        return this.profile('getUserProfile');
      }),
      getUserInfo: asyncCall((_option?: GetUserInfoOption) => this.profile('getUserInfo')),
    };
  }

  /** `<button open-type="chooseAvatar">`: the event a page's handler receives. */
  chooseAvatar(): ChooseAvatarEvent {
    return { type: 'chooseavatar', detail: { avatarUrl: `http://tmp/${randomBytes(8).toString('hex')}.jpeg` } };
  }

  /** `<button open-type="getPhoneNumber">` tapped: the event, after the user's decision. */
  async getPhoneNumber(): Promise<GetPhoneNumberEvent> {
    if (this.decisions.phone === 'deny') return phoneEvent({ errMsg: 'getPhoneNumber:fail user deny' });
    if (this.decisions.phone === 'no-quota') {
      return phoneEvent({ errMsg: 'getPhoneNumber:fail no permission', errno: 1400001 });
    }
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
      return failed(fail(api, answer.reason));
    } catch (error) {
      return failed(fail(api, error instanceof Error ? error.message : 'unknown error'));
    } finally {
      clearTimeout(timer);
      this.inFlight -= 1;
    }
  }
}

function phoneEvent(detail: GetPhoneNumberEvent['detail']): GetPhoneNumberEvent {
  return { type: 'getphonenumber', detail };
}

function isUserInfo(value: unknown): value is UserInfo {
  if (typeof value !== 'object' || value === null) return false;
  return typeof Reflect.get(value, 'nickName') === 'string' && typeof Reflect.get(value, 'avatarUrl') === 'string';
}
