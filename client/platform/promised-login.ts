// Login port over a promise-style login (uni.login, Taro.login): a one-time WeChat code.

import { fromWxFailure } from '../errors.js';
import type { Login } from '../ports.js';
import { wxFailureOf } from './promised-api.js';

/** Calls the framework's login with its own options and checks the code it resolves with. */
export function promisedLogin(login: () => PromiseLike<{ code?: string }>): Login {
  return {
    login: () => Promise.resolve(login()).then(
      ({ code }) => {
        if (code) return { code };
        throw fromWxFailure('wxLogin', 'WX_LOGIN_FAILED', 'WeChat gave no login code.', { errMsg: 'login:fail no code' });
      },
      (reason: unknown) => {
        throw fromWxFailure('wxLogin', 'WX_LOGIN_FAILED', 'WeChat login failed; try again.', wxFailureOf(reason));
      },
    ),
  };
}
