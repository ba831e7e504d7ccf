// code2Session against the simulator over loopback: success, every errcode, and the ways a
// call to WeChat can go wrong on the wire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { statusOf } from '../../routes/error-answers.js';
import { WeChatError } from './errors.js';
import { APP, rejectionOf, startHarness, type Harness } from '../../testing/wechat-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.device.clearFaults();
});
afterAll(async () => {
  await h.close();
});

const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe('code2Session', () => {
  it('exchanges a wx.login code for openid, session_key and unionid', async () => {
    const user = await h.device.createUser({ unionid: 'union-123' });
    const session = await h.gateway().code2Session(APP.appId, await h.device.login(user.openid));
    expect(session).toEqual({ openid: user.openid, sessionKey: user.sessionKey, unionid: 'union-123' });
  });

  it('leaves unionid out when the app has no Open Platform binding', async () => {
    const user = await h.device.createUser({ unionid: null });
    const session = await h.gateway().code2Session(APP.appId, await h.device.login(user.openid));
    expect(session).not.toHaveProperty('unionid');
  });

  it('maps a code sent twice to WECHAT_CODE_USED, and a made-up one to WECHAT_CODE_INVALID, with the rid', async () => {
    const user = await h.device.createUser();
    const code = await h.device.login(user.openid);
    const gateway = h.gateway();
    await gateway.code2Session(APP.appId, code);
    const used = await rejectionOf(gateway.code2Session(APP.appId, code));
    expect(used).toBeInstanceOf(WeChatError);
    expect(used).toMatchObject({ code: 'WECHAT_CODE_USED', errcode: 40163, retryable: false, rid: expect.stringMatching(RID) });
    const invalid = await rejectionOf(gateway.code2Session(APP.appId, 'no-such-code'));
    expect(invalid).toMatchObject({ code: 'WECHAT_CODE_INVALID', errcode: 40029 });
  });

  it('maps a wrong secret to WECHAT_MISCONFIGURED and logs it as an error without the secret', async () => {
    const wrong = { appId: APP.appId, secret: 'wrong-secret-value-do-not-log' };
    const error = await rejectionOf(h.gateway({ apps: [wrong] }).code2Session(APP.appId, 'whatever'));
    expect(error).toMatchObject({ code: 'WECHAT_MISCONFIGURED', errcode: 40125, retryable: false });
    const logged = h.logs.filter((record) => record.level === 'error');
    expect(logged.at(-1)?.obj).toMatchObject({ api: 'code2Session', errcode: 40125, rid: expect.stringMatching(RID) });
    expect(JSON.stringify(h.logs)).not.toContain('wrong-secret-value-do-not-log');
  });

  it.each([
    [-1, 503, 'WECHAT_BUSY', true],
    [40029, 400, 'WECHAT_CODE_INVALID', false],
    [40163, 400, 'WECHAT_CODE_USED', false],
    [45011, 429, 'WECHAT_RATE_LIMITED', true],
    [40226, 403, 'WECHAT_USER_BLOCKED', false],
    [40125, 502, 'WECHAT_MISCONFIGURED', false],
    [40013, 502, 'WECHAT_MISCONFIGURED', false],
    [40164, 502, 'WECHAT_MISCONFIGURED', false],
    [40243, 502, 'WECHAT_MISCONFIGURED', false],
    [41002, 502, 'WECHAT_MISCONFIGURED', false],
    [41004, 502, 'WECHAT_MISCONFIGURED', false],
    [61234, 502, 'WECHAT_ERROR', false],
  ])('maps errcode %i to %i %s', async (errcode, status, code, retryable) => {
    await h.device.fault({ api: 'jscode2session', errcode });
    const rejection = await rejectionOf(h.gateway().code2Session(APP.appId, 'any-code'));
    expect(rejection).toBeInstanceOf(WeChatError);
    expect(rejection).toMatchObject({ code, retryable, errcode, rid: expect.stringMatching(RID) });
    expect(statusOf(String(rejection['code']))).toBe(status);
    expect(rejection.message).not.toMatch(/rid|secret/i);
  });

  it('asks a rate-limited client to wait for the next minute', async () => {
    await h.device.fault({ api: 'jscode2session', errcode: 45011 });
    const at15s = Date.UTC(2025, 0, 1, 8, 30, 15);
    const error = await rejectionOf(h.gateway({ clock: () => at15s }).code2Session(APP.appId, 'any-code'));
    expect(error).toMatchObject({ retryAfterSeconds: 45 });
  });
});

describe('code2Session on a bad day', () => {
  it('times out a hanging WeChat as 504 WECHAT_TIMEOUT, on time', async () => {
    await h.device.fault({ api: 'jscode2session', delayMs: 5_000 });
    const started = Date.now();
    const error = await rejectionOf(h.gateway({ timeoutMs: 300 }).code2Session(APP.appId, 'any-code'));
    expect(error).toMatchObject({ code: 'WECHAT_TIMEOUT', retryable: true });
    // On time: the deadline is 300 ms, WeChat would answer at 5 s; a bound of 2 s leaves 1.7 s
    // for a stalled event loop.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('maps a dropped connection to 502 WECHAT_UNAVAILABLE', async () => {
    await h.device.fault({ api: 'jscode2session', drop: true });
    const error = await rejectionOf(h.gateway().code2Session(APP.appId, 'any-code'));
    expect(error).toMatchObject({ code: 'WECHAT_UNAVAILABLE', retryable: true });
  });

  it.each([
    ['a 502 gateway page', { status: 502 }],
    ['a 500 with a JSON body', { status: 500, body: { errcode: 0 } }],
    ['a non-JSON body', { status: 200, body: '<html>maintenance</html>' }],
    ['a JSON array', { status: 200, body: [1, 2] }],
    ['a success without openid', { status: 200, body: { session_key: 'x' } }],
  ])('maps %s to 502 WECHAT_UNAVAILABLE', async (_what, fault) => {
    await h.device.fault({ api: 'jscode2session', ...fault });
    const error = await rejectionOf(h.gateway().code2Session(APP.appId, 'any-code'));
    expect(error).toMatchObject({ code: 'WECHAT_UNAVAILABLE' });
  });

  it('refuses an app it is not configured for, without calling WeChat', async () => {
    const before = h.calls.length;
    const error = await rejectionOf(h.gateway().code2Session('wxnotconfigured01', 'code'));
    expect(error).toMatchObject({ code: 'APP_UNKNOWN' });
    expect(h.calls.length).toBe(before);
  });

  it('never puts the secret, the session_key or the code into errors or log lines', async () => {
    const user = await h.device.createUser();
    const code = await h.device.login(user.openid);
    await h.device.fault({ api: 'jscode2session', drop: true });
    const dropped = await rejectionOf(h.gateway().code2Session(APP.appId, code));
    await h.device.fault({ api: 'jscode2session', errcode: -1 });
    const busy = await rejectionOf(h.gateway().code2Session(APP.appId, code));
    await h.gateway().code2Session(APP.appId, code);
    const visible = JSON.stringify([h.logs, { ...dropped }, { ...busy }, dropped.message, busy.message]);
    for (const secret of [APP.secret, user.sessionKey, code]) expect(visible).not.toContain(secret);
  });
});
