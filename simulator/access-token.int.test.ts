import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, type DeviceClient } from './device-client.js';
import { sessionSignature } from './open-data.js';
import { createSimulator, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };
const RID = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

let sim: Simulator;
let base: string;
let device: DeviceClient;
let openid: string;
let sessionKey: string;

beforeAll(async () => {
  // A clock that moves only when the test moves it: expires_in arithmetic stays exact.
  const start = Date.UTC(2024, 0, 1);
  sim = createSimulator({ apps: [APP], rotation: 'never', clock: () => start });
  base = await sim.listen();
  device = createDeviceClient(base);
  const user = await device.createUser();
  openid = user.openid;
  sessionKey = user.sessionKey;
  await device.login(openid); // starts the session checksession looks at
});

afterAll(async () => {
  await sim.close();
});

type Body = Record<string, unknown>;

async function json(response: Response): Promise<Body> {
  return JSON.parse(await response.text()) as Body;
}

async function plainToken(params: Record<string, string> = {}): Promise<Body> {
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret, ...params });
  return json(await fetch(`${base}/cgi-bin/token?${query}`));
}

async function stableToken(body: Body | string): Promise<Body> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return json(await fetch(`${base}/cgi-bin/stable_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }));
}

function stable(forceRefresh = false): Promise<Body> {
  return stableToken({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret, force_refresh: forceRefresh });
}

/** Uses a token the way a backend does: checksession answers 0 while the token is good. */
async function tokenErrcode(token: unknown): Promise<unknown> {
  const query = new URLSearchParams({
    access_token: String(token),
    openid,
    signature: sessionSignature(sessionKey),
    sig_method: 'hmac_sha256',
  });
  return (await json(await fetch(`${base}/wxa/checksession?${query}`))).errcode;
}

describe('GET /cgi-bin/token', () => {
  it('issues a token valid for 7200 s', async () => {
    const answer = await plainToken();
    expect(answer).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(await tokenErrcode(answer.access_token)).toBe(0);
  });

  it('issues a new token on every call and the previous one answers 40001 (the racing refresher loses)', async () => {
    const first = await plainToken();
    const second = await plainToken();
    expect(second.access_token).not.toBe(first.access_token);
    expect(await tokenErrcode(first.access_token)).toBe(40001);
    expect(await tokenErrcode(second.access_token)).toBe(0);
  });

  it.each([
    ['a wrong grant_type', { grant_type: 'password' }, 40002],
    ['appid missing', { appid: '' }, 41002],
    ['secret missing', { secret: '' }, 41004],
    ['an unknown appid', { appid: 'wx_nobody' }, 40013],
    ['a bad secret', { secret: 'wrong' }, 40125],
  ])('answers %s with %i', async (_name, params, errcode) => {
    const answer = await plainToken(params);
    expect(answer.errcode).toBe(errcode);
    expect(String(answer.errmsg)).toMatch(RID);
  });

  it('lets a token expire after 7200 s (42001)', async () => {
    const answer = await plainToken();
    sim.advance(7200_000);
    expect(await tokenErrcode(answer.access_token)).toBe(42001);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while valid, with the remaining expires_in', async () => {
    const first = await stable();
    sim.advance(100_000);
    const second = await stable();
    expect(second.access_token).toBe(first.access_token);
    expect(second.expires_in).toBe(Number(first.expires_in) - 100);
    expect(await tokenErrcode(second.access_token)).toBe(0);
  });

  it('is isolated from /cgi-bin/token: a plain refresh does not touch it', async () => {
    const token = (await stable()).access_token;
    await plainToken();
    expect(await tokenErrcode(token)).toBe(0);
    expect((await stable()).access_token).toBe(token);
  });

  it('renews in the last 5 minutes and the old token works until its own expiry', async () => {
    const old = await stable();
    sim.advance((Number(old.expires_in) - 200) * 1000);
    const renewed = await stable();
    expect(renewed.access_token).not.toBe(old.access_token);
    expect(renewed.expires_in).toBe(7200);
    expect(await tokenErrcode(old.access_token)).toBe(0);
    sim.advance(200_000);
    expect(await tokenErrcode(old.access_token)).toBe(42001);
  });

  it('force_refresh: a new token; the old one keeps working 5 minutes, then 40001', async () => {
    sim.advance(24 * 3600_000); // a fresh day for the daily limit
    const old = await stable();
    const forced = await stable(true);
    expect(forced.access_token).not.toBe(old.access_token);
    expect(forced.expires_in).toBe(7200);
    sim.advance(4 * 60_000);
    expect(await tokenErrcode(old.access_token)).toBe(0);
    sim.advance(60_000);
    expect(await tokenErrcode(old.access_token)).toBe(40001);
    expect(await tokenErrcode(forced.access_token)).toBe(0);
  });

  it('force_refresh: 30 s apart (45011), 20 a day (45009)', async () => {
    sim.advance(24 * 3600_000);
    expect((await stable(true)).access_token).toEqual(expect.any(String));
    sim.advance(29_000);
    const tooSoon = await stable(true);
    expect(tooSoon.errcode).toBe(45011);
    expect(String(tooSoon.errmsg)).toMatch(RID);
    for (let i = 2; i <= 20; i += 1) {
      sim.advance(30_000);
      expect((await stable(true)).access_token, `forced refresh ${i}`).toEqual(expect.any(String));
    }
    sim.advance(30_000);
    expect((await stable(true)).errcode).toBe(45009);
    expect((await stable(false)).access_token).toEqual(expect.any(String)); // normal mode still works
  });

  it('answers junk JSON with 47001, a GET with 43002, and bad credentials like /cgi-bin/token', async () => {
    expect((await stableToken('{"grant_type": ')).errcode).toBe(47001);
    expect((await json(await fetch(`${base}/cgi-bin/stable_token`))).errcode).toBe(43002);
    expect((await stableToken({ appid: APP.appId, secret: APP.secret })).errcode).toBe(40002);
    expect((await stableToken({ grant_type: 'client_credential', secret: APP.secret })).errcode).toBe(41002);
    expect((await stableToken({ grant_type: 'client_credential', appid: APP.appId })).errcode).toBe(41004);
    expect((await stableToken({ grant_type: 'client_credential', appid: 'wx_nobody', secret: 'x' })).errcode).toBe(40013);
    expect((await stableToken({ grant_type: 'client_credential', appid: APP.appId, secret: 'x' })).errcode).toBe(40125);
  });

  it('reads the JSON body whatever the content-type says', async () => {
    const response = await fetch(`${base}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret }),
    });
    expect((await json(response)).access_token).toEqual(expect.any(String));
  });
});

describe('access_token on the APIs that need one', () => {
  it('answers 41001 when it is missing and 40001 when it is not a token', async () => {
    expect((await json(await fetch(`${base}/wxa/checksession?openid=${openid}`))).errcode).toBe(41001);
    expect(await tokenErrcode('not-a-token')).toBe(40001);
    const phone = await fetch(`${base}/wxa/business/getuserphonenumber?access_token=not-a-token`, {
      method: 'POST',
      body: JSON.stringify({ code: 'x' }),
    });
    expect((await json(phone)).errcode).toBe(40001);
  });
});
