import { createDecipheriv } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, type DeviceClient } from '../device-client.js';
import { createSimulator, type Simulator } from '../server.js';
import type { Callbacks, GeneralCallbackResult, WxFailResult } from '../wx-types.js';
import { createWxRuntime, type WxRuntime, type WxRuntimeOptions } from './runtime.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };

let sim: Simulator;
let base: string;
let device: DeviceClient;

beforeAll(async () => {
  sim = createSimulator({ apps: [APP], rotation: 'never' });
  base = await sim.listen();
  device = createDeviceClient(base);
});

afterEach(async () => {
  await device.clearFaults();
});

afterAll(async () => {
  await sim.close();
});

function phone(options: Partial<WxRuntimeOptions> = {}): WxRuntime {
  return createWxRuntime({ simulatorUrl: base, appId: APP.appId, ...options });
}

/** Calls a callback-style wx API and resolves with `{ success }` or `{ fail }`. */
function settle<S extends GeneralCallbackResult>(
  call: (callbacks: Required<Callbacks<S, WxFailResult>>) => void,
): Promise<{ success?: S; fail?: WxFailResult }> {
  return new Promise((resolve) => {
    let outcome: { success?: S; fail?: WxFailResult } = {};
    call({
      success: (result) => {
        outcome = { success: result };
      },
      fail: (error) => {
        outcome = { fail: error };
      },
      complete: () => resolve(outcome),
    });
  });
}

async function exchange(code: string): Promise<Record<string, unknown>> {
  const query = new URLSearchParams({ appid: APP.appId, secret: APP.secret, js_code: code, grant_type: 'authorization_code' });
  return JSON.parse(await (await fetch(`${base}/sns/jscode2session?${query}`)).text()) as Record<string, unknown>;
}

function decrypt(encryptedData: string, iv: string, sessionKey: string): unknown {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8'));
}

describe('wx.login', () => {
  it("gives a code that jscode2session exchanges for this phone's user, and records the call", async () => {
    const runtime = phone();
    const { success } = await settle<{ errMsg: string; code: string }>((cb) => runtime.wx.login(cb));
    expect(success).toEqual({ errMsg: 'login:ok', code: expect.any(String) });
    const user = await runtime.sim.user();
    expect(await exchange(String(success?.code))).toMatchObject({ openid: user.openid, session_key: user.sessionKey });
    expect(runtime.sim.logins).toEqual([expect.objectContaining({ errMsg: 'login:ok', code: success?.code })]);
  });

  it('is the given user when an openid is passed (an existing one, or one created with that id)', async () => {
    const existing = await device.createUser();
    const runtime = phone({ openid: existing.openid });
    const { success } = await settle<{ errMsg: string; code: string }>((cb) => runtime.wx.login(cb));
    expect((await exchange(String(success?.code))).openid).toBe(existing.openid);
    expect((await phone({ openid: 'oBrandNew000000000000000000z' }).sim.user()).openid).toBe('oBrandNew000000000000000000z');
  });

  it('fails with login:fail when offline, and records the failure', async () => {
    const runtime = phone();
    runtime.sim.setNetwork('offline');
    const { fail } = await settle((cb) => runtime.wx.login(cb));
    expect(fail).toEqual({ errMsg: 'login:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001 });
    expect(runtime.sim.logins).toEqual([expect.objectContaining({ errMsg: fail?.errMsg })]);
  });

  it('fails with login:fail timeout in timeout mode', async () => {
    const runtime = phone({ networkTimeout: 100 });
    runtime.sim.setNetwork('timeout');
    const { fail } = await settle((cb) => runtime.wx.login(cb));
    expect(fail?.errMsg).toBe('login:fail timeout');
  });

  it('fails with login:fail when a login fault is set, then works again', async () => {
    const runtime = phone();
    await runtime.sim.user();
    await device.fault({ api: 'login', errcode: -1 });
    const { fail } = await settle((cb) => runtime.wx.login(cb));
    expect(fail?.errMsg).toMatch(/^login:fail system error, rid: /);
    const { success } = await settle((cb) => runtime.wx.login(cb));
    expect(success?.errMsg).toBe('login:ok');
  });
});

describe('wx.checkSession', () => {
  it('fails before any login, succeeds after one, fails once the session expired', async () => {
    const runtime = phone();
    expect((await settle((cb) => runtime.wx.checkSession(cb))).fail?.errMsg).toBe('checkSession:fail session time out');
    await settle((cb) => runtime.wx.login(cb));
    expect((await settle((cb) => runtime.wx.checkSession(cb))).success?.errMsg).toBe('checkSession:ok');
    await device.expireSession((await runtime.sim.user()).openid);
    expect((await settle((cb) => runtime.wx.checkSession(cb))).fail?.errMsg).toBe('checkSession:fail session time out');
  });
});

describe('wx.getUserProfile and wx.getUserInfo', () => {
  it("allow: a payload encrypted with this user's session_key", async () => {
    const runtime = phone();
    const { success } = await settle<{ errMsg: string; encryptedData: string; iv: string; userInfo: object; rawData: string; signature: string }>(
      (cb) => runtime.wx.getUserProfile({ desc: '用于完善会员资料', ...cb }),
    );
    expect(success?.errMsg).toBe('getUserProfile:ok');
    const user = await runtime.sim.user();
    expect(decrypt(String(success?.encryptedData), String(success?.iv), user.sessionKey)).toMatchObject({
      openId: user.openid,
      watermark: { appid: APP.appId },
    });
  });

  it('deny: getUserProfile:fail auth deny, and no call leaves the phone', async () => {
    const runtime = phone({ decisions: { profile: 'deny' } });
    const { fail } = await settle((cb) => runtime.wx.getUserProfile({ desc: '用于完善会员资料', ...cb }));
    expect(fail).toEqual({ errMsg: 'getUserProfile:fail auth deny' });
    const info = await settle((cb) => runtime.wx.getUserInfo(cb));
    expect(info.fail).toEqual({ errMsg: 'getUserInfo:fail auth deny' });
    runtime.sim.decide({ profile: 'allow' });
    expect((await settle((cb) => runtime.wx.getUserInfo(cb))).success?.errMsg).toBe('getUserInfo:ok');
  });

  it('refuses a missing or over-long desc as WeChat does', async () => {
    const runtime = phone();
    const tooLong = await settle((cb) => runtime.wx.getUserProfile({ desc: '这'.repeat(31), ...cb }));
    expect(tooLong.fail?.errMsg).toBe('getUserProfile:fail desc length does not meet the requirements');
    const missing = await settle((cb) => Reflect.apply(runtime.wx.getUserProfile, runtime.wx, [{ ...cb }]));
    expect(missing.fail?.errMsg).toMatch(/^getUserProfile:fail parameter error: parameter.desc/);
  });

  it('answers the anonymous profile when switched to the post-2022 behaviour', async () => {
    const runtime = phone({ anonymousProfile: true });
    const { success } = await settle<{ errMsg: string; userInfo: { nickName: string } }>((cb) => runtime.wx.getUserInfo(cb));
    expect(success?.userInfo.nickName).toBe('微信用户');
  });
});

describe('the avatar and phone-number buttons', () => {
  it('chooseAvatar gives a temporary http://tmp/ path', () => {
    expect(phone().sim.chooseAvatar()).toEqual({ type: 'chooseavatar', detail: { avatarUrl: expect.stringMatching(/^http:\/\/tmp\/\w+\.jpeg$/) } });
  });

  it('allow: getPhoneNumber:ok with a code that getuserphonenumber accepts once', async () => {
    const runtime = phone();
    const event = await runtime.sim.tapGetPhoneNumber();
    expect(event.detail).toEqual({ errMsg: 'getPhoneNumber:ok', code: expect.any(String) });
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret });
    const { access_token: token } = (await (await fetch(`${base}/cgi-bin/token?${query}`)).json()) as { access_token: string };
    const redeem = () =>
      fetch(`${base}/wxa/business/getuserphonenumber?access_token=${token}`, { method: 'POST', body: JSON.stringify({ code: event.detail.code }) })
        .then((response) => response.json() as Promise<Record<string, unknown>>);
    expect((await redeem()).errcode).toBe(0);
    expect((await redeem()).errcode).toBe(40029);
  });

  it('deny: getPhoneNumber:fail user deny; spent quota: errno 1400001', async () => {
    const runtime = phone({ decisions: { phone: 'deny' } });
    expect((await runtime.sim.tapGetPhoneNumber()).detail).toEqual({ errMsg: 'getPhoneNumber:fail user deny' });
    runtime.sim.decide({ phone: 'no-quota' });
    expect((await runtime.sim.tapGetPhoneNumber()).detail).toEqual({ errMsg: 'getPhoneNumber:fail no permission', errno: 1400001 });
  });

  it("the app's quota spent on the device side: errno 1400001 with WeChat's errMsg, nothing charged", async () => {
    const runtime = phone();
    await device.setPhoneQuota([{ all: 1, used: 1 }, { all: 5, status: 3 }], APP.appId);
    try {
      const charged = (await device.phoneQuota(APP.appId)).charged;
      for (let tap = 0; tap < 2; tap++) {
        expect((await runtime.sim.tapGetPhoneNumber())).toEqual({
          type: 'getphonenumber',
          detail: { errMsg: 'getPhoneNumber:fail no permission', errno: 1400001 },
        });
      }
      expect(await device.phoneQuota(APP.appId)).toMatchObject({ charged, packages: [{ all: 1, used: 1 }, { all: 5, used: 0 }] });

      await device.setPhoneQuota([{ all: 1 }], APP.appId); // a package bought: the button works again
      expect((await runtime.sim.tapGetPhoneNumber()).detail).toEqual({ errMsg: 'getPhoneNumber:ok', code: expect.any(String) });
      expect((await device.phoneQuota(APP.appId)).charged).toBe(charged + 1);
    } finally {
      await device.setPhoneQuota([{ all: 1000, source: 1 }], APP.appId);
    }
  });
});
