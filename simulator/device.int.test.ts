import { createDecipheriv, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, DeviceClientError, type DeviceClient } from './device-client.js';
import { createSimulator, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };
const OTHER_APP = { appId: 'wx00000000000000b2', secret: 'secret-b' };

let sim: Simulator;
let base: string;
let device: DeviceClient;

beforeAll(async () => {
  sim = createSimulator({ apps: [APP, OTHER_APP] });
  base = await sim.listen();
  device = createDeviceClient(base);
});

afterAll(async () => {
  await sim.close();
});

/** What a backend does with the payload (written here, not borrowed from server/). */
function decrypt(encryptedData: string, iv: string, sessionKey: string): unknown {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text);
}

function tryDecrypt(encryptedData: string, iv: string, sessionKey: string): unknown {
  try {
    return decrypt(encryptedData, iv, sessionKey);
  } catch {
    return undefined;
  }
}

async function post(path: string, body: string | object, contentType = 'application/json') {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /__sim/user-info', () => {
  it("decrypts with the user's session_key to the profile, openId, unionId and our appid", async () => {
    const user = await device.createUser({ nickname: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/a/132' });
    const payload = await device.userInfo(user.openid);
    const plain = decrypt(payload.encryptedData, payload.iv, user.sessionKey);
    expect(plain).toMatchObject({
      openId: user.openid,
      unionId: user.unionid,
      nickName: '小明',
      avatarUrl: 'https://thirdwx.qlogo.cn/a/132',
      watermark: { appid: APP.appId, timestamp: expect.any(Number) },
    });
    expect(Buffer.from(payload.iv, 'base64')).toHaveLength(16);
    expect(Buffer.from(payload.encryptedData, 'base64').length % 16).toBe(0);
    expect(JSON.parse(payload.rawData)).toEqual(payload.userInfo);
  });

  it("does not decrypt with another user's key", async () => {
    const user = await device.createUser();
    const stranger = await device.createUser();
    const payload = await device.userInfo(user.openid);
    const attempt = tryDecrypt(payload.encryptedData, payload.iv, stranger.sessionKey);
    // Either the padding check throws, or (1 in ~300) garbage that is not our JSON comes out.
    expect(attempt).toBeUndefined();
  });

  it('signs rawData with sha1(rawData + session_key)', async () => {
    const user = await device.createUser();
    const { rawData, signature } = await device.userInfo(user.openid);
    expect(signature).toBe(createHash('sha1').update(rawData + user.sessionKey).digest('hex'));
    const other = await device.createUser();
    expect(signature).not.toBe(createHash('sha1').update(rawData + other.sessionKey).digest('hex'));
  });

  it('answers as WeChat has since 2022-10 when asked: 微信用户 and a grey avatar', async () => {
    const user = await device.createUser({ nickname: 'Real Name' });
    const payload = await device.userInfo(user.openid, { anonymous: true });
    expect(payload.userInfo).toMatchObject({ nickName: '微信用户', is_demote: true });
    expect(decrypt(payload.encryptedData, payload.iv, user.sessionKey)).toMatchObject({ nickName: '微信用户', openId: user.openid });
  });
});

describe('POST /__sim/users', () => {
  it('creates a user with generated ids from an empty POST', async () => {
    const response = await fetch(`${base}/__sim/users`, { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(String(body.openid)).toMatch(/^o[\w-]{27}$/);
    expect(String(body.sessionKey)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('pins a user: later calls update the given fields and keep the rest', async () => {
    const pinned = await device.createUser({ openid: 'oPinned00000000000000000000a', sessionKey: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    expect(pinned.sessionKey).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    const again = await device.createUser({ openid: 'oPinned00000000000000000000a', sessionKey: 'BBBBBBBBBBBBBBBBBBBBBA==' });
    expect(again).toEqual({ openid: pinned.openid, unionid: pinned.unionid, sessionKey: 'BBBBBBBBBBBBBBBBBBBBBA==' });
    expect((await device.user(pinned.openid)).sessionKey).toBe('BBBBBBBBBBBBBBBBBBBBBA==');
  });

  it('puts a user in the app it names, the first app otherwise', async () => {
    const first = await device.createUser();
    const other = await device.createUser({ appId: OTHER_APP.appId });
    expect((await device.user(first.openid)).appId).toBe(APP.appId);
    expect((await device.user(other.openid)).appId).toBe(OTHER_APP.appId);
  });
});

describe('bad input to the device half', () => {
  it.each([
    ['a malformed sessionKey', '/__sim/users', { sessionKey: 'short' }, /sessionKey/],
    ['an unknown field', '/__sim/users', { nickName: 'typo' }, /nickName/],
    ['a missing openid', '/__sim/login', {}, /openid/],
    ['an unknown fault api', '/__sim/faults', { api: 'payments', errcode: -1 }, /api/],
    ['a fault that does nothing', '/__sim/faults', { api: 'token' }, /at least one/],
  ])('answers %s with 400 INVALID_INPUT naming the field', async (_name, path, body, mentions) => {
    const answer = await post(path, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 0, error: 'INVALID_INPUT' });
    expect(String(answer.body.message)).toMatch(mentions);
  });

  it('answers junk JSON with 400, never a 500', async () => {
    const answer = await post('/__sim/login', '{"openid":');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 0, error: 'INVALID_INPUT' });
  });

  it('answers an unknown user with 404, an unknown app and a foreign openid with 400', async () => {
    const missing = await post('/__sim/login', { openid: 'oNobody' });
    expect(missing).toMatchObject({ status: 404, body: { error: 'USER_NOT_FOUND' } });
    const unknownApp = await post('/__sim/users', { appId: 'wx_nobody' });
    expect(unknownApp).toMatchObject({ status: 400, body: { error: 'UNKNOWN_APP' } });
    const user = await device.createUser();
    const foreign = await post('/__sim/user-info', { appId: OTHER_APP.appId, openid: user.openid });
    expect(foreign).toMatchObject({ status: 400, body: { error: 'APP_MISMATCH' } });
    await expect(device.user('oNobody')).rejects.toBeInstanceOf(DeviceClientError);
  });
});

describe('POST /__sim/clock', () => {
  it('moves simulated time for tests in another process', async () => {
    const user = await device.createUser();
    const code = await device.login(user.openid);
    await device.advanceClock(5 * 60_000);
    const query = new URLSearchParams({ appid: APP.appId, secret: APP.secret, js_code: code });
    const answer = (await (await fetch(`${base}/sns/jscode2session?${query}`)).json()) as Record<string, unknown>;
    expect(answer.errcode).toBe(40029);
  });
});
