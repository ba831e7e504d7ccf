import type { UserInfoPayload } from './device/user-info.js';
import type { FaultSpec } from './faults.js';
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
  user(openid: string): Promise<UserView>;
  /** What `wx.login` gives the phone: a code for `jscode2session`. */
  login(openid: string, appId?: string): Promise<string>;
  userInfo(openid: string, options?: { appId?: string; anonymous?: boolean }): Promise<UserInfoPayload>;
  phoneCode(openid: string, appId?: string): Promise<string>;
  expireSession(openid: string): Promise<void>;
  fault(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<number>;
  advanceClock(ms: number): Promise<number>;
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
  };
}
