// Issue 4's "Bad input": every route answers a 4xx `{ code, error, message }` (never a 500,
// never a stack trace) and writes nothing: no event, no session_key, no claimed code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptOpenData, signRawData } from '../../simulator/index.js';
import { pgTarget } from '../../testing/databases.js';
import { APP, startHarness, type AppHarness } from '../testing/app-harness.js';

describe('bad input', () => {
  let h: AppHarness;
  let token: string;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
    token = (await h.login()).token;
  });
  afterAll(() => h.close());

  async function written(): Promise<string> {
    const { rows } = await h.db.query<{ events: string; keys: string; codes: string }>(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM session_keys) AS keys,
              (SELECT count(*) FROM login_codes) AS codes`,
    );
    return JSON.stringify(rows[0]);
  }

  /** Sends the request and checks the typed 4xx answer and that nothing was written. */
  async function refused(request: { method?: string; url?: string; payload?: unknown; headers?: Record<string, string> }, status: number, error: string) {
    const before = await written();
    const response = await h.inject({
      method: (request.method ?? 'POST') as 'POST',
      url: request.url ?? '/wx/login',
      headers: { 'content-type': 'application/json', ...request.headers },
      ...(request.payload === undefined ? {} : { payload: typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload) }),
    });
    const body = response.json();
    expect({ status: response.statusCode, error: body.error }).toEqual({ status, error });
    expect(body).toMatchObject({ code: 0, message: expect.any(String) });
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/);
    expect(await written()).toBe(before);
    return body;
  }

  describe('POST /wx/login', () => {
    it.each([
      { name: 'malformed JSON', payload: '{"code": "abc"', status: 400, error: 'BAD_REQUEST' },
      { name: 'a JSON array', payload: '[1,2]', status: 400, error: 'VALIDATION_FAILED' },
      { name: 'no body', payload: '', status: 400, error: 'VALIDATION_FAILED' },
      { name: 'a missing code', payload: { encryptedData: 'AAAA' }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'a numeric code', payload: { code: 12345 }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'an empty code', payload: { code: '' }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'a code with spaces', payload: { code: 'a b c' }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'an over-long code', payload: { code: 'c'.repeat(129) }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'over-long encryptedData', payload: { code: 'abc', encryptedData: 'A'.repeat(20_000), iv: 'A'.repeat(24) }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'an over-long rawData', payload: { code: 'abc', encryptedData: 'AAAA', iv: 'A'.repeat(24), rawData: 'r'.repeat(9_000) }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'encryptedData without iv', payload: { code: 'abc', encryptedData: 'AAAA' }, status: 400, error: 'VALIDATION_FAILED' },
      { name: 'an unknown appId', payload: { code: 'abc', appId: 'wx99999999999999zz' }, status: 400, error: 'APP_UNKNOWN' },
      { name: 'prototype pollution', payload: '{"code":"abc","__proto__":{"admin":true}}', status: 400, error: 'BAD_REQUEST' },
      { name: 'a body over 64 KB', payload: { code: 'abc', padding: 'x'.repeat(70_000) }, status: 413, error: 'BODY_TOO_LARGE' },
    ])('refuses $name', async ({ payload, status, error }) => {
      const body = await refused({ payload }, status, error);
      if (error === 'VALIDATION_FAILED') expect(body.field ?? '').toMatch(/^body/);
    });

    it('refuses a form body (415)', async () => {
      await refused({ payload: 'code=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    /** A legacy payload sent with a real, fresh code (spent at WeChat either way). */
    async function legacy(change: (payload: Record<string, string>, sessionKey: string, openid: string) => Record<string, string>) {
      const { openid, code } = await h.newUser();
      const { sessionKey } = await h.device.user(openid);
      const { encryptedData, iv, signature, rawData } = await h.device.userInfo(openid);
      return { code, ...change({ encryptedData, iv, signature, rawData }, sessionKey, openid) };
    }

    it.each([
      { name: 'bad base64 in encryptedData', change: (p: Record<string, string>) => ({ ...p, encryptedData: `${p['encryptedData']!.slice(0, -4)}*!*=` }), error: 'OPEN_DATA_MALFORMED', errcode: -41003 },
      { name: 'ciphertext not a whole number of blocks', change: (p: Record<string, string>) => ({ ...p, encryptedData: Buffer.from('0123456789').toString('base64') }), error: 'OPEN_DATA_MALFORMED', errcode: -41003 },
      { name: 'bad base64 in iv', change: (p: Record<string, string>) => ({ ...p, iv: 'not base64 at all!!!!!!!' }), error: 'OPEN_DATA_IV_INVALID', errcode: -41002 },
      { name: 'an 8-byte iv', change: (p: Record<string, string>) => ({ ...p, iv: Buffer.alloc(8, 1).toString('base64') }), error: 'OPEN_DATA_IV_INVALID', errcode: -41002 },
      { name: 'a tampered signature', change: (p: Record<string, string>) => ({ ...p, signature: `${p['signature']!.slice(0, -1)}${p['signature']!.endsWith('0') ? '1' : '0'}` }), error: 'OPEN_DATA_SIGNATURE_INVALID', errcode: undefined },
      { name: 'tampered rawData', change: (p: Record<string, string>) => ({ ...p, rawData: p['rawData']!.replace('"nickName":"', '"nickName":"x') }), error: 'OPEN_DATA_SIGNATURE_INVALID', errcode: undefined },
      {
        name: 'a foreign watermark',
        change: (p: Record<string, string>, key: string, openid: string) => ({ ...p, ...encryptOpenData({ openId: openid, nickName: 'x', watermark: { appid: 'wx1111111111111111', timestamp: 1 } }, key) }),
        error: 'OPEN_DATA_WATERMARK_MISMATCH',
        errcode: -41003,
      },
      {
        name: "another user's payload",
        change: (p: Record<string, string>, key: string) => ({ ...p, ...encryptOpenData({ openId: 'oSomebodyElse000000000000000', nickName: 'x', watermark: { appid: APP.appId, timestamp: 1 } }, key) }),
        error: 'OPEN_DATA_OPENID_MISMATCH',
        errcode: undefined,
      },
      {
        name: 'a payload under another key',
        change: (p: Record<string, string>) => ({ ...p, ...encryptOpenData({ nickName: 'x', watermark: { appid: APP.appId, timestamp: 1 } }, Buffer.alloc(16, 7).toString('base64')) }),
        error: 'OPEN_DATA_DECRYPT_FAILED',
        errcode: -41003,
      },
    ])('refuses a legacy payload with $name', async ({ change, error, errcode }) => {
      const body = await refused({ payload: await legacy(change) }, 400, error);
      expect(body.errcode).toBe(errcode);
    });
  });

  describe('account routes', () => {
    const auth = () => ({ authorization: `Bearer ${token}` });

    it.each([
      { name: 'a missing avatarUrl', payload: { nickname: 'Mei' } },
      { name: 'a numeric nickname', payload: { nickname: 42, avatarUrl: 'https://a/b.png' } },
      { name: 'a blank nickname', payload: { nickname: '   ', avatarUrl: 'https://a/b.png' } },
      { name: 'an over-long nickname', payload: { nickname: 'n'.repeat(65), avatarUrl: 'https://a/b.png' } },
      { name: 'a javascript: avatar', payload: { nickname: 'Mei', avatarUrl: 'javascript:alert(1)' } },
      { name: 'an over-long avatarUrl', payload: { nickname: 'Mei', avatarUrl: `https://a/${'p'.repeat(1100)}` } },
    ])('PUT /me/profile refuses $name', async ({ payload }) => {
      await refused({ method: 'PUT', url: '/me/profile', headers: auth(), payload }, 400, 'VALIDATION_FAILED');
    });

    it('POST /me/phone refuses a missing code, and a code WeChat does not know (recording that outcome, and nothing else)', async () => {
      await refused({ url: '/me/phone', headers: auth(), payload: {} }, 400, 'VALIDATION_FAILED');
      const notBound = await h.countEvents('PhoneNumberNotBound');
      const response = await h.inject({ method: 'POST', url: '/me/phone', headers: auth(), payload: { code: 'unknown-phone-code' } });
      expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status: 400, body: { code: 0, error: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029 } });
      expect(await h.countEvents('PhoneNumberNotBound')).toBe(notBound + 1);
      // Sent once: the same code again is refused here, without asking WeChat (and without another event).
      await refused({ url: '/me/phone', headers: auth(), payload: { code: 'unknown-phone-code' } }, 400, 'WECHAT_PHONE_CODE_USED');
    });

    it('POST /me/profile/wechat refuses a missing iv, a tampered signature, and a stored key of the wrong length', async () => {
      await refused({ url: '/me/profile/wechat', headers: auth(), payload: { encryptedData: 'AAAA' } }, 400, 'VALIDATION_FAILED');

      const { openid, token: userToken } = await h.login();
      const payload = await h.device.userInfo(openid);
      const headers = { authorization: `Bearer ${userToken}` };
      const rawData = payload.rawData;
      await refused({ url: '/me/profile/wechat', headers, payload: { ...payload, userInfo: undefined, signature: signRawData(rawData, 'AAAAAAAAAAAAAAAAAAAAAA==') } }, 400, 'OPEN_DATA_SIGNATURE_INVALID');

      await h.db.query('UPDATE session_keys SET session_key = $2 WHERE openid = $1', [openid, Buffer.alloc(8).toString('base64')]);
      const body = await refused({ url: '/me/profile/wechat', headers, payload: { encryptedData: payload.encryptedData, iv: payload.iv } }, 400, 'OPEN_DATA_SESSION_KEY_INVALID');
      expect(body.errcode).toBe(-41001);
    });

    it('answers an unknown route with 404 and without echoing the query', async () => {
      const body = await refused({ method: 'GET', url: '/nope?code=secret-code' }, 404, 'NOT_FOUND');
      expect(JSON.stringify(body)).not.toContain('secret-code');
    });
  });
});
