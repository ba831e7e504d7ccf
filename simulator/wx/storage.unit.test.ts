import { describe, expect, it } from 'vitest';
import { createWxRuntime } from './runtime.js';
import { WxStorage } from './storage.js';

const SIMULATOR = 'http://127.0.0.1:9'; // storage never calls it

function phone(storage?: WxStorage) {
  return createWxRuntime({ simulatorUrl: SIMULATOR, appId: 'wxa', ...(storage ? { storage } : {}) });
}

describe('wx storage', () => {
  it('keeps the token for a restart on the same phone, loses it on a reinstall', () => {
    const first = phone();
    first.wx.setStorageSync('token', 'jwt-1');
    const restarted = phone(first.sim.storage);
    expect(restarted.wx.getStorageSync('token')).toBe('jwt-1');
    const reinstalled = phone();
    expect(reinstalled.wx.getStorageSync('token')).toBe('');
  });

  it("answers a missing key with '' as WeChat does", () => {
    expect(phone().wx.getStorageSync('nothing')).toBe('');
  });

  it('JSON-clones values: later mutation does not leak in, dates come back as strings', () => {
    const { wx } = phone();
    const user = { name: 'a', tags: ['x'] };
    wx.setStorageSync('user', user);
    user.tags.push('y');
    expect(wx.getStorageSync('user')).toEqual({ name: 'a', tags: ['x'] });
    wx.setStorageSync('when', new Date(0));
    expect(wx.getStorageSync('when')).toBe('1970-01-01T00:00:00.000Z');
  });

  it('removes and clears', () => {
    const { wx } = phone();
    wx.setStorageSync('a', 1);
    wx.setStorageSync('b', 2);
    wx.removeStorageSync('a');
    expect(wx.getStorageInfoSync().keys).toEqual(['b']);
    wx.clearStorageSync();
    expect(wx.getStorageInfoSync().keys).toEqual([]);
  });

  it('has async forms with WeChat callbacks', async () => {
    const { wx } = phone();
    await new Promise((resolve) => wx.setStorage({ key: 'k', data: { v: 1 }, success: resolve }));
    const got = await new Promise((resolve) => wx.getStorage({ key: 'k', success: resolve }));
    expect(got).toEqual({ errMsg: 'getStorage:ok', data: { v: 1 } });
    const missing = await new Promise((resolve) => wx.getStorage({ key: 'none', fail: resolve }));
    expect(missing).toEqual({ errMsg: 'getStorage:fail data not found' });
    await new Promise((resolve) => wx.removeStorage({ key: 'k', success: resolve }));
    expect(wx.getStorageSync('k')).toBe('');
  });

  it('refuses an item over 1 MB like the device', () => {
    expect(() => phone().wx.setStorageSync('big', 'x'.repeat(1024 * 1024 + 1))).toThrow(/exceed storage item max length/);
  });

  it('survives a save to JSON and back (a phone kept on disk between runs)', () => {
    const storage = new WxStorage({ token: 'jwt-9', profile: { nickName: 'n' } });
    const saved = JSON.parse(JSON.stringify(storage)) as Record<string, unknown>;
    expect(phone(WxStorage.fromJSON(saved)).wx.getStorageSync('profile')).toEqual({ nickName: 'n' });
  });
});
