import { describe, expect, it } from 'vitest';
import { isMiniAuthError } from '../errors.js';
import { wxLogin } from './wx-login.js';
import { wxRequest } from './wx-request.js';
import { wxStorage } from './wx-storage.js';

// WeChat's callbacks, as the platform calls them: asynchronously, after the call returns.
const later = (fn: () => void) => void setTimeout(fn, 0);

describe('wx adapters', () => {
  it('wx.request: every HTTP answer resolves, with ok, status, parsed body and lower-case headers', async () => {
    const request = wxRequest({
      request: (options) => later(() => options.success?.({
        statusCode: 500, data: '{"code":0,"error":"INTERNAL"}', header: { 'Retry-After': '3' },
      })),
    });
    await expect(request.send({ url: 'https://x/me', method: 'GET' })).resolves.toEqual({
      ok: false, status: 500, data: { code: 0, error: 'INTERNAL' }, header: { 'retry-after': '3' },
    });
  });

  it('wx.request: no answer rejects with a typed network error, errno and errMsg kept', async () => {
    const request = wxRequest({
      request: (options) => later(() => options.fail?.({ errMsg: 'request:fail timeout', errno: 5 })),
    });
    const error = await request.send({ url: 'https://x/me', method: 'GET' }).catch((e: unknown) => e);
    expect(isMiniAuthError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'network', code: 'NETWORK', errMsg: 'request:fail timeout', errno: 5 });
  });

  it('wx.login: a failure keeps WeChat errMsg on a typed error', async () => {
    const login = wxLogin({ login: (options) => later(() => options.fail?.({ errMsg: 'login:fail system error', errno: 1 })) });
    await expect(login.login()).rejects.toMatchObject({ reason: 'wxLogin', errMsg: 'login:fail system error', errno: 1 });
    const ok = wxLogin({ login: (options) => later(() => options.success?.({ code: 'c1' })) });
    await expect(ok.login()).resolves.toEqual({ code: 'c1' });
  });

  it('storage: a missing key (wx answers "") and an unreadable one read as absent', () => {
    const stored = new Map<string, unknown>([['a', 'x']]);
    const storage = wxStorage({
      getStorageSync: (key) => {
        if (key === 'broken') throw new Error('getStorageSync:fail data corrupted');
        return stored.get(key) ?? '';
      },
      setStorageSync: (key, value) => void stored.set(key, value),
      removeStorageSync: (key) => void stored.delete(key),
    });
    expect([storage.get('a'), storage.get('missing'), storage.get('broken')]).toEqual(['x', null, null]);
    storage.set('b', 'y');
    storage.remove('a');
    expect([...stored.entries()]).toEqual([['b', 'y']]);
  });
});
