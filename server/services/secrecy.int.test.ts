// No answer, log line or event ever carries a session_key (nor a code, a token in a log, or a
// secret): a whole session over real HTTP, with the logger's output captured and scanned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { APP, JWT_SECRET, startHarness, type AppHarness } from '../testing/app-harness.js';

describe('secrets stay on the server', () => {
  let h: AppHarness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h.close());

  it('keeps session keys, codes and secrets out of every answer, log line and event', async () => {
    const answers: string[] = [];
    const sessionKeys = new Set<string>();
    const codes: string[] = [];
    const tokens: string[] = [];
    async function send(method: string, path: string, body?: object, token?: string) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { token } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      answers.push(JSON.stringify([...response.headers]), text);
      return JSON.parse(text) as Record<string, unknown>;
    }
    const code = async (openid: string) => {
      const fresh = await h.device.login(openid);
      codes.push(fresh);
      sessionKeys.add((await h.device.user(openid)).sessionKey);
      return fresh;
    };

    const { openid } = await h.device.createUser({ phone: '13700137000' });
    const loginCode = await code(openid);
    const payload = await h.device.userInfo(openid);
    const { userInfo: _shown, ...legacy } = payload;
    const login = await send('POST', '/wx/login', { code: loginCode, ...legacy });
    expect(login['code']).toBe(1);
    const token = String(login['token']);
    tokens.push(token);
    await send('POST', '/wx/login', { code: loginCode }); // a retried code
    await send('GET', '/me', undefined, token);
    await send('POST', '/me/profile/wechat', { ...legacy, signature: 'f'.repeat(40) }, token); // refused
    await h.device.expireSession(openid); // a new session_key at the next code
    await send('POST', '/me/profile/wechat', { ...legacy, code: await code(openid) }, token); // stale payload: refused
    const phoneCode = await h.device.phoneCode(openid);
    codes.push(phoneCode);
    expect(await send('POST', '/me/phone', { code: phoneCode }, token)).toMatchObject({ user: { phone: '137****7000' } });
    await h.device.fault({ api: 'jscode2session', errcode: 40226 });
    await send('POST', '/wx/login', { code: await code(openid) });
    await send('POST', '/auth/logout-all', {}, token);
    await send('GET', '/me', undefined, token);

    expect(sessionKeys.size).toBe(2);
    const { rows } = await h.db.query<{ data: unknown; metadata: unknown }>('SELECT data, metadata FROM events');
    const logged = h.logs.join('');
    expect(logged).toContain('incoming request'); // the capture works
    expect(logged).toContain('WECHAT_USER_BLOCKED');
    const places = { answers: answers.join('\n'), logs: logged, events: JSON.stringify(rows) };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [...sessionKeys, APP.secret, JWT_SECRET]) expect(text, `${place} holds a secret`).not.toContain(secret);
    }
    for (const text of [places.logs, places.events]) {
      for (const secret of [...codes, ...tokens]) expect(text).not.toContain(secret);
      expect(text).not.toContain(legacy.encryptedData);
      expect(text).not.toContain('13700137000');
    }
  });
});
