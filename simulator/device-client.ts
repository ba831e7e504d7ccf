import type { UserInfoPayload } from './device/user-info.js';
import type { Delivery, PendingPush, ReviewRule } from './content-review.js';
import type { FaultSpec } from './faults.js';
import type { PackageInput, QuotaLedger } from './phone-quota.js';
import type { SimPhone, UserInput } from './users.js';

/**
 * A typed client of the device half (`/__sim/…`) over HTTP, for tests in any part and any
 * process: make users, get login and phone codes and user-info payloads, inject faults.
 */

export interface CreatedUser {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

export interface UserView extends CreatedUser {
  appId: string;
  sessionValid: boolean;
  nickname: string;
  avatarUrl: string;
  phone: SimPhone;
}

/** A refused device call: HTTP status and error code, or the errcode of an injected fault. */
export class DeviceClientError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
    this.name = 'DeviceClientError';
  }
}

export interface DeviceClient {
  createUser(input?: UserInput): Promise<CreatedUser>;
  /** Binds the app to an Open Platform account (null: unbinds it): its users' unionid follows. */
  bindOpenPlatform(appId: string, account: string | null): Promise<void>;
  user(openid: string): Promise<UserView>;
  /** What `wx.login` gives the phone: a code for `jscode2session`. */
  login(openid: string, appId?: string): Promise<string>;
  userInfo(openid: string, options?: { appId?: string; anonymous?: boolean }): Promise<UserInfoPayload>;
  phoneCode(openid: string, appId?: string): Promise<string>;
  expireSession(openid: string): Promise<void>;
  fault(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<number>;
  advanceClock(ms: number): Promise<number>;
  /** The app's phone-number packages and the numbers charged so far. */
  phoneQuota(appId?: string): Promise<QuotaLedger>;
  setPhoneQuota(packages: PackageInput[], appId?: string): Promise<QuotaLedger>;
  /**
   * Content review: verdict rules, the push delay (null: held until `flushPushes`), and the
   * message endpoint (kept only once it echoes WeChat's signed GET check).
   */
  contentReview(settings: { rules?: ReviewRule[]; pushDelayMs?: number | null; endpoint?: { appId?: string; url: string; token: string } }): Promise<void>;
  /** Pushes every held verdict now; resolves with how the endpoint answered each. */
  flushPushes(): Promise<Delivery[]>;
  pendingPushes(): Promise<PendingPush[]>;
}

export function createDeviceClient(baseUrl: string): DeviceClient {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const answer: unknown = await response.json();
    const read = (name: string): unknown => (typeof answer === 'object' && answer !== null ? Reflect.get(answer, name) : undefined);
    if (!response.ok) {
      throw new DeviceClientError(response.status, String(read('error') ?? 'HTTP_ERROR'), String(read('message') ?? response.status));
    }
    const errcode = read('errcode');
    if (typeof errcode === 'number' && errcode !== 0) {
      throw new DeviceClientError(response.status, 'WECHAT_ERRCODE', String(read('errmsg')), errcode);
    }
    return answer as T; // the device half's own answer shapes, fixed by its routes
  }

  const ref = (openid: string, appId?: string) => ({ openid, ...(appId === undefined ? {} : { appId }) });

  return {
    createUser: (input = {}) => call<CreatedUser>('POST', '/__sim/users', input),
    bindOpenPlatform: async (appId, account) => {
      await call('PUT', `/__sim/apps/${encodeURIComponent(appId)}/open-platform`, { account });
    },
    user: (openid) => call<UserView>('GET', `/__sim/users/${encodeURIComponent(openid)}`),
    login: async (openid, appId) => (await call<{ code: string }>('POST', '/__sim/login', ref(openid, appId))).code,
    userInfo: (openid, options = {}) =>
      call<UserInfoPayload>('POST', '/__sim/user-info', {
        ...ref(openid, options.appId),
        ...(options.anonymous === undefined ? {} : { anonymous: options.anonymous }),
      }),
    phoneCode: async (openid, appId) => (await call<{ code: string }>('POST', '/__sim/phone-code', ref(openid, appId))).code,
    expireSession: async (openid) => {
      await call('DELETE', `/__sim/users/${encodeURIComponent(openid)}/session`);
    },
    fault: async (spec) => {
      await call('POST', '/__sim/faults', spec);
    },
    clearFaults: async () => (await call<{ cleared: number }>('DELETE', '/__sim/faults')).cleared,
    advanceClock: async (ms) => (await call<{ now: number }>('POST', '/__sim/clock', { advanceMs: ms })).now,
    phoneQuota: (appId) => call<QuotaLedger>('GET', `/__sim/phone-quota${appId === undefined ? '' : `?appId=${encodeURIComponent(appId)}`}`),
    setPhoneQuota: (packages, appId) => call<QuotaLedger>('PUT', '/__sim/phone-quota', { packages, ...(appId === undefined ? {} : { appId }) }),
    contentReview: async (settings) => {
      await call('PUT', '/__sim/content-review', settings);
    },
    flushPushes: async () => (await call<{ delivered: Delivery[] }>('POST', '/__sim/content-review/flush')).delivered,
    pendingPushes: async () => (await call<{ pending: PendingPush[] }>('GET', '/__sim/content-review')).pending,
  };
}
