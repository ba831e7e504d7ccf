import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, type DeviceClient } from './device-client.js';
import { sessionSignature } from './open-data.js';
import { createSimulator, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };
const OTHER_APP = { appId: 'wx00000000000000b2', secret: 'secret-b' };

let sim: Simulator;
let base: string;
let device: DeviceClient;
let token: string;

type Body = Record<string, unknown>;

async function json(response: Response): Promise<Body> {
  return JSON.parse(await response.text()) as Body;
}

async function accessToken(app = APP): Promise<string> {
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: app.appId, secret: app.secret });
  return String((await json(await fetch(`${base}/cgi-bin/token?${query}`))).access_token);
}

function phoneNumber(body: Body | string, query = `access_token=${token}`): Promise<Body> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${base}/wxa/business/getuserphonenumber?${query}`, { method: 'POST', body: text }).then(json);
}

function checkSession(params: Record<string, string>): Promise<Body> {
  const query = new URLSearchParams({ access_token: token, sig_method: 'hmac_sha256', ...params });
  return fetch(`${base}/wxa/checksession?${query}`).then(json);
}

beforeAll(async () => {
  sim = createSimulator({ apps: [APP, OTHER_APP], rotation: 'always' });
  base = await sim.listen();
  device = createDeviceClient(base);
  token = await accessToken();
});

afterAll(async () => {
  await sim.close();
});

describe('POST /wxa/business/getuserphonenumber', () => {
  it("answers the user's number with errcode 0, countryCode and a watermark of our appid", async () => {
    const user = await device.createUser({ phone: '13800138000' });
    const answer = await phoneNumber({ code: await device.phoneCode(user.openid) });
    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: APP.appId },
      },
    });
  });

  it('keeps a numeric countryCode numeric, and puts it in front of a foreign phoneNumber', async () => {
    const user = await device.createUser({ phone: '4155550100', countryCode: 1 });
    const answer = await phoneNumber({ code: await device.phoneCode(user.openid) });
    expect(answer.phone_info).toMatchObject({ phoneNumber: '+1 4155550100', purePhoneNumber: '4155550100', countryCode: 1 });
  });

  it('accepts a phone code once (then 40029)', async () => {
    const user = await device.createUser();
    const code = await device.phoneCode(user.openid);
    expect((await phoneNumber({ code })).errcode).toBe(0);
    const again = await phoneNumber({ code });
    expect(again.errcode).toBe(40029);
    expect(String(again.errmsg)).toMatch(/^invalid code, rid: /);
  });

  it('answers a code sent in the query instead of the body with 40029, and keeps the code usable', async () => {
    const user = await device.createUser();
    const code = await device.phoneCode(user.openid);
    expect((await phoneNumber('', `access_token=${token}&code=${code}`)).errcode).toBe(40029);
    expect((await phoneNumber({ code })).errcode).toBe(0);
  });

  it('expires a phone code after 5 minutes, refuses a login code and a code of another app', async () => {
    const user = await device.createUser();
    const stale = await device.phoneCode(user.openid);
    sim.advance(5 * 60_000);
    token = await accessToken();
    expect((await phoneNumber({ code: stale })).errcode).toBe(40029);
    expect((await phoneNumber({ code: await device.login(user.openid) })).errcode).toBe(40029);
    const foreigner = await device.createUser({ appId: OTHER_APP.appId });
    expect((await phoneNumber({ code: await device.phoneCode(foreigner.openid) })).errcode).toBe(40029);
  });

  it('answers junk JSON with 47001, a GET with 43002, a replaced token with 40001', async () => {
    expect((await phoneNumber('{code:')).errcode).toBe(47001);
    const get = await fetch(`${base}/wxa/business/getuserphonenumber?access_token=${token}`).then(json);
    expect(get.errcode).toBe(43002);
    const stale = token;
    token = await accessToken();
    expect((await phoneNumber({ code: 'x' }, `access_token=${stale}`)).errcode).toBe(40001);
  });
});

describe('GET /wxa/checksession', () => {
  it('answers errcode 0 for the current key and 87009 for any other', async () => {
    const user = await device.createUser();
    await device.login(user.openid);
    expect(await checkSession({ openid: user.openid, signature: sessionSignature(user.sessionKey) })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    const other = await device.createUser();
    const wrong = await checkSession({ openid: user.openid, signature: sessionSignature(other.sessionKey) });
    expect(wrong.errcode).toBe(87009);
    expect(String(wrong.errmsg)).toMatch(/^invalid signature, rid: /);
  });

  it('signs with the key TEXT, not its decoded bytes', async () => {
    const user = await device.createUser();
    await device.login(user.openid);
    const { createHmac } = await import('node:crypto');
    const bytesKeyed = createHmac('sha256', Buffer.from(user.sessionKey, 'base64')).update('').digest('hex');
    expect((await checkSession({ openid: user.openid, signature: bytesKeyed })).errcode).toBe(87009);
  });

  it('turns 87009 once a new code rotated the key', async () => {
    const user = await device.createUser();
    await device.login(user.openid);
    await device.login(user.openid); // "always": the second code replaced the key
    expect((await checkSession({ openid: user.openid, signature: sessionSignature(user.sessionKey) })).errcode).toBe(87009);
    const { sessionKey } = await device.user(user.openid);
    expect((await checkSession({ openid: user.openid, signature: sessionSignature(sessionKey) })).errcode).toBe(0);
  });

  it('answers 87009 for an expired session, a wrong sig_method; 41009 without openid; 40003 for a stranger', async () => {
    const user = await device.createUser();
    await device.login(user.openid);
    const signature = sessionSignature(user.sessionKey);
    expect((await checkSession({ openid: user.openid, signature, sig_method: 'md5' })).errcode).toBe(87009);
    expect((await checkSession({ signature })).errcode).toBe(41009);
    expect((await checkSession({ openid: 'oNobody', signature })).errcode).toBe(40003);
    const foreigner = await device.createUser({ appId: OTHER_APP.appId });
    expect((await checkSession({ openid: foreigner.openid, signature })).errcode).toBe(40003);
    await device.expireSession(user.openid);
    expect((await checkSession({ openid: user.openid, signature })).errcode).toBe(87009);
  });
});
