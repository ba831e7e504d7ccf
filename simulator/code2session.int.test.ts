import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, type DeviceClient } from './device-client.js';
import { createSimulator, type Simulator } from './server.js';
import type { RotationPolicy } from './users.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };
const OTHER_APP = { appId: 'wx00000000000000b2', secret: 'secret-b' };
const RID = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

interface Started {
  sim: Simulator;
  base: string;
  device: DeviceClient;
}

const started: Started[] = [];

async function start(rotation: RotationPolicy): Promise<Started> {
  const sim = createSimulator({ apps: [APP, OTHER_APP], rotation });
  const base = await sim.listen();
  const entry = { sim, base, device: createDeviceClient(base) };
  started.push(entry);
  return entry;
}

afterAll(async () => {
  await Promise.all(started.map((entry) => entry.sim.close()));
});

async function code2Session(base: string, params: Record<string, string>, method = 'GET') {
  const response = await fetch(`${base}/sns/jscode2session?${new URLSearchParams(params)}`, { method });
  return { response, body: JSON.parse(await response.text()) as Record<string, unknown> };
}

function exchange(base: string, code: string, app = APP) {
  return code2Session(base, { appid: app.appId, secret: app.secret, js_code: code, grant_type: 'authorization_code' });
}

describe('GET /sns/jscode2session', () => {
  let env: Started;
  beforeAll(async () => {
    env = await start('never');
  });

  it('answers openid, unionid and a 24-character session_key, with no errcode', async () => {
    const user = await env.device.createUser();
    const { response, body } = await exchange(env.base, await env.device.login(user.openid));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(body).toEqual({ session_key: user.sessionKey, openid: user.openid, unionid: user.unionid });
    expect(body).not.toHaveProperty('errcode');
    expect(String(body.session_key)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Buffer.from(String(body.session_key), 'base64')).toHaveLength(16);
  });

  it.each([
    ['appid missing', { secret: APP.secret, js_code: 'x' }, 41002],
    ['secret missing', { appid: APP.appId, js_code: 'x' }, 41004],
    ['code missing', { appid: APP.appId, secret: APP.secret }, 41008],
    ['unknown appid', { appid: 'wx_nobody', secret: APP.secret, js_code: 'x' }, 40013],
    ['bad secret', { appid: APP.appId, secret: 'wrong', js_code: 'x' }, 40125],
    ['unknown code', { appid: APP.appId, secret: APP.secret, js_code: 'never-issued' }, 40029],
  ])('%s → %i with a rid', async (_name, params, errcode) => {
    const { response, body } = await code2Session(env.base, params);
    expect(response.status).toBe(200);
    expect(body.errcode).toBe(errcode);
    expect(String(body.errmsg)).toMatch(RID);
  });

  it('answers a POST with 41002: WeChat reads the query string of a GET only', async () => {
    const user = await env.device.createUser();
    const code = await env.device.login(user.openid);
    const params = { appid: APP.appId, secret: APP.secret, js_code: code };
    const { body } = await code2Session(env.base, params, 'POST');
    expect(body.errcode).toBe(41002);
  });

  it('accepts a code once; the second exchange is 40163 code been used', async () => {
    const user = await env.device.createUser();
    const code = await env.device.login(user.openid);
    expect((await exchange(env.base, code)).body.openid).toBe(user.openid);
    const again = await exchange(env.base, code);
    expect(again.body.errcode).toBe(40163);
    expect(String(again.body.errmsg)).toMatch(/^code been used, rid: /);
  });

  it('expires a code after 5 minutes (40029), not before', async () => {
    // Time stands still but for `advance`: on real time, calls slower than the 1 s left below
    // (a busy machine) would expire the code early.
    const frozen = Date.now();
    env.sim.setClock(() => frozen);
    try {
      const user = await env.device.createUser();
      const early = await env.device.login(user.openid);
      const late = await env.device.login(user.openid);
      env.sim.advance(5 * 60_000 - 1_000);
      expect((await exchange(env.base, early)).body.openid).toBe(user.openid);
      env.sim.advance(1_000);
      expect((await exchange(env.base, late)).body.errcode).toBe(40029);
    } finally {
      env.sim.setClock(Date.now);
    }
  });

  it('refuses a code of another app (40029) and a phone code passed as a login code', async () => {
    const user = await env.device.createUser({ appId: OTHER_APP.appId });
    const code = await env.device.login(user.openid);
    expect((await exchange(env.base, code, APP)).body.errcode).toBe(40029);
    const phoneCode = await env.device.phoneCode(user.openid);
    expect((await exchange(env.base, phoneCode, OTHER_APP)).body.errcode).toBe(40029);
    expect((await exchange(env.base, code, OTHER_APP)).body.openid).toBe(user.openid);
  });

  it('leaves unionid out for a user of an app without an Open Platform binding', async () => {
    const user = await env.device.createUser({ unionid: null });
    const { body } = await exchange(env.base, await env.device.login(user.openid));
    expect(body).toEqual({ session_key: user.sessionKey, openid: user.openid });
  });
});

describe('Open Platform accounts', () => {
  let env: Started;
  beforeAll(async () => {
    env = await start('never');
  });
  afterAll(async () => {
    await env.device.bindOpenPlatform(APP.appId, null);
  });

  const unionidIn = async (app: typeof APP, openid: string) =>
    (await exchange(env.base, await env.device.login(openid, app.appId), app)).body['unionid'];

  it('gives one human the same unionid in apps bound to one account, and another in an app of its own', async () => {
    await env.device.bindOpenPlatform(APP.appId, 'acct-shared');
    await env.device.bindOpenPlatform(OTHER_APP.appId, 'acct-shared');
    const first = await env.device.createUser({ appId: APP.appId });
    const second = await env.device.createUser({ appId: OTHER_APP.appId, sameAs: { appId: APP.appId, openid: first.openid } });
    expect(second.openid).not.toBe(first.openid);
    expect(await unionidIn(OTHER_APP, second.openid)).toBe(await unionidIn(APP, first.openid));
    expect(second.unionid).toBe(first.unionid);
    // A person key names the same human too; one human has one openid per app.
    const keyed = await env.device.createUser({ appId: APP.appId, personKey: 'mei' });
    expect((await env.device.createUser({ appId: OTHER_APP.appId, personKey: 'mei' })).unionid).toBe(keyed.unionid);
    await expect(env.device.createUser({ appId: APP.appId, personKey: 'mei' })).rejects.toMatchObject({ status: 409, error: 'PERSON_TAKEN' });
    await env.device.bindOpenPlatform(OTHER_APP.appId, 'acct-other');
    expect(await unionidIn(OTHER_APP, second.openid)).not.toBe(await unionidIn(APP, first.openid));
  });

  it('starts answering unionid for the users an app already had once it is bound late', async () => {
    await env.device.bindOpenPlatform(APP.appId, null);
    const user = await env.device.createUser({ appId: APP.appId });
    expect(user.unionid).toBeNull();
    expect(await unionidIn(APP, user.openid)).toBeUndefined();
    await env.device.bindOpenPlatform(APP.appId, 'acct-late');
    const unionid = await unionidIn(APP, user.openid);
    expect(unionid).toMatch(/^o[\w-]{27}$/);
    expect((await env.device.user(user.openid)).unionid).toBe(unionid);
    // A pinned unionid stays whatever the binding.
    const pinned = await env.device.createUser({ appId: APP.appId, unionid: 'o-pinned' });
    await env.device.bindOpenPlatform(APP.appId, 'acct-again');
    expect(await unionidIn(APP, pinned.openid)).toBe('o-pinned');
    await expect(env.device.bindOpenPlatform('wx-nobody', 'acct')).rejects.toMatchObject({ status: 400, error: 'UNKNOWN_APP' });
  });
});

describe('session_key rotation', () => {
  async function keysOverLogins(env: Started, openid: string, logins: number, stepMs = 0): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < logins; i += 1) {
      env.sim.advance(stepMs);
      const { body } = await exchange(env.base, await env.device.login(openid));
      keys.push(String(body.session_key));
    }
    return keys;
  }

  it('never: every code carries the same key', async () => {
    const env = await start('never');
    const user = await env.device.createUser();
    expect(new Set(await keysOverLogins(env, user.openid, 3))).toEqual(new Set([user.sessionKey]));
  });

  it('always: each new code replaces the key, and the old one is gone', async () => {
    const env = await start('always');
    const user = await env.device.createUser();
    const keys = await keysOverLogins(env, user.openid, 3);
    expect(keys[0]).toBe(user.sessionKey); // a key no code has carried yet is kept (pinning)
    expect(new Set(keys).size).toBe(3);
    expect((await env.device.user(user.openid)).sessionKey).toBe(keys[2]);
  });

  it('after a period: the key survives logins inside the period and is replaced after it', async () => {
    const env = await start({ afterMs: 60_000 });
    const user = await env.device.createUser();
    const inside = await keysOverLogins(env, user.openid, 3, 10_000);
    expect(new Set(inside)).toEqual(new Set([user.sessionKey]));
    const [after] = await keysOverLogins(env, user.openid, 1, 60_000);
    expect(after).not.toBe(user.sessionKey);
  });

  it('an expired session gets a new key at the next login, whatever the policy', async () => {
    const env = await start('never');
    const user = await env.device.createUser();
    await keysOverLogins(env, user.openid, 1);
    await env.device.expireSession(user.openid);
    expect((await env.device.user(user.openid)).sessionValid).toBe(false);
    const [next] = await keysOverLogins(env, user.openid, 1);
    expect(next).not.toBe(user.sessionKey);
  });

  it('a pinned key reaches the server unchanged even under "always"', async () => {
    const env = await start('always');
    const pinned = { openid: 'oRecordedOnARealPhone0000001', unionid: 'oUnion000000000000000000001', sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==' };
    await env.device.createUser(pinned);
    const { body } = await exchange(env.base, await env.device.login(pinned.openid));
    expect(body).toEqual({ session_key: pinned.sessionKey, openid: pinned.openid, unionid: pinned.unionid });
  });
});
