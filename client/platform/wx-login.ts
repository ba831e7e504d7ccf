// Login port over wx.login: a one-time code, valid five minutes, exchangeable once.

import { fromWxFailure } from '../errors.js';
import type { Login } from '../ports.js';
import type { WxLoginApi } from './wx-api.js';

export function wxLogin(wx: WxLoginApi, timeoutMs = 10_000): Login {
  return {
    login: () => new Promise((resolve, reject) => {
      wx.login({
        timeout: timeoutMs,
        success: ({ code }) => {
          if (code) resolve({ code });
          else reject(fromWxFailure('wxLogin', 'WX_LOGIN_FAILED', 'WeChat gave no login code.', { errMsg: 'login:fail no code' }));
        },
        fail: (failure) =>
          reject(fromWxFailure('wxLogin', 'WX_LOGIN_FAILED', 'WeChat login failed; try again.', failure || {})),
      });
    }),
  };
}
