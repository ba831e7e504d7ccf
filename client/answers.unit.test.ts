import { describe, expect, it } from 'vitest';
import { failureFromAnswer, phoneUnavailableFrom, toGrant } from './answers.js';
import type { HttpResponse } from './ports.js';

const answer = (status: number, data: unknown, header: Record<string, string> = {}): HttpResponse =>
  ({ ok: status >= 200 && status < 300, status, data, header });

describe('server failures become typed reasons that pick the retry policy', () => {
  it.each([
    [answer(503, { code: 0, error: 'WECHAT_BUSY', message: 'WeChat is busy.', errcode: -1 }), 'busy'],
    [answer(400, { code: 0, error: 'WECHAT_CODE_INVALID', message: 'x', errcode: 40029 }), 'badCode'],
    [answer(400, { code: 0, error: 'WECHAT_CODE_USED', message: 'x', errcode: 40163 }), 'codeUsed'],
    [answer(429, { code: 0, error: 'WECHAT_RATE_LIMITED', message: 'x', errcode: 45011, retryAfterSeconds: 17 }), 'rateLimited'],
    [answer(403, { code: 0, error: 'WECHAT_USER_BLOCKED', message: 'x', errcode: 40226 }), 'blocked'],
    [answer(400, { code: 0, error: 'OPEN_DATA_DECRYPT_FAILED', message: 'x', errcode: -41003 }), 'decrypt'],
    [answer(401, { code: -1, error: 'TOKEN_REVOKED', message: 'x' }), 'loginGone'],
    [answer(200, { code: -1, message: 'login gone, answered the older way' }), 'loginGone'],
    [answer(429, { code: 0, error: 'RATE_LIMITED', message: 'x' }, { 'retry-after': '30' }), 'rateLimited'],
    [answer(504, { code: 0, error: 'WECHAT_TIMEOUT', message: 'x' }), 'server'],
    [answer(502, '<html>bad gateway</html>'), 'server'],
    [answer(400, { code: 0, error: 'VALIDATION_FAILED', message: 'body.code: required' }), 'rejected'],
    // The server's name decides, not the raw errcode beside it.
    [answer(400, { code: 0, error: 'WECHAT_PHONE_CODE_INVALID', message: 'x', errcode: 40029 }), 'badCode'],
    [answer(502, { code: 0, error: 'WECHAT_ERROR', message: 'x', errcode: 40029 }), 'server'],
    [answer(400, { code: 0, error: 'OPEN_DATA_SIGNATURE_INVALID', message: 'x' }), 'rejected'],
    // A number bound to another person: the page shows it, nothing is retried.
    [answer(409, { code: 0, error: 'PHONE_NUMBER_TAKEN', message: 'x' }), 'rejected'],
  ])('%# → %s', (response, reason) => {
    const error = failureFromAnswer(response);
    expect(error.reason).toBe(reason);
    expect(error.status).toBe(response.status);
  });

  it('keeps the server error name, message, errcode and wait', () => {
    const error = failureFromAnswer(answer(429, {
      code: 0, error: 'WECHAT_RATE_LIMITED', message: 'Try again in 17 s.', errcode: 45011, retryAfterSeconds: 17,
    }));
    expect(error).toMatchObject({ code: 'WECHAT_RATE_LIMITED', message: 'Try again in 17 s.', errcode: 45011, retryAfterSeconds: 17 });
    expect(failureFromAnswer(answer(502, 'oops')).code).toBe('HTTP_502');
  });
});

describe('the login grant', () => {
  it('reads the token, an ISO or epoch expiry, and the user', () => {
    const grant = toGrant(answer(200, {
      code: 1, message: 'ok', token: 'jwt', expiresAt: '2030-01-01T00:00:00.000Z', isNew: true,
      user: { id: 'u1', nickname: 'Alice', avatarUrl: 'https://a', phone: null },
    }), 0);
    expect(grant).toEqual({
      token: 'jwt', expiresAt: Date.parse('2030-01-01T00:00:00.000Z'), isNew: true,
      user: { id: 'u1', nickname: 'Alice', avatarUrl: 'https://a', phone: null, phoneBound: false },
    });
    expect(toGrant(answer(200, { code: 1, token: 't', expiresAt: 1_900_000_000, user: {} }), 0).expiresAt)
      .toBe(1_900_000_000_000);
  });

  it('says a number is bound, from the server\'s phoneBound or, from an older backend, a number shown', () => {
    const grant = (user: object) => toGrant(answer(200, { code: 1, token: 't', expiresAt: 1_900_000_000, user }), 0).user.phoneBound;
    expect(grant({ id: 'u1', phone: '138****8000', phoneBound: true })).toBe(true);
    expect(grant({ id: 'u1', phone: '138****8000' })).toBe(true);
    expect(grant({ id: 'u1', phone: null, phoneBound: false })).toBe(false);
  });

  it('reads a 1400001 report as the outcome "not available now", and a refusal as a typed failure', () => {
    expect(phoneUnavailableFrom(answer(200, { code: 1, outcome: 'PHONE_QUOTA_SPENT', message: '手机号验证暂时不可用', user: { id: 'u1', phone: null } })))
      .toEqual({ outcome: 'PHONE_QUOTA_SPENT', message: '手机号验证暂时不可用', user: { id: 'u1', nickname: null, avatarUrl: null, phone: null, phoneBound: false } });
    expect(() => phoneUnavailableFrom(answer(400, { code: 0, error: 'VALIDATION_FAILED', message: 'body.errno: invalid' })))
      .toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', reason: 'rejected' }));
  });

  it("a success without a token, or an older backend's `code: 0` in a 200, is a failure", () => {
    expect(() => toGrant(answer(200, { code: 1 }), 0)).toThrow(expect.objectContaining({ reason: 'server' }));
    expect(() => toGrant(answer(200, { code: 0, message: 'code2session failed' }), 0))
      .toThrow(expect.objectContaining({ message: 'code2session failed' }));
  });
});
