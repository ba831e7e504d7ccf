// Navigator port over promise-style page calls (uni.redirectTo, Taro.reLaunch, …).

import { fromWxFailure } from '../errors.js';
import type { Navigator } from '../ports.js';
import type { PromisedNavigatorApi } from './promised-api.js';
import { wxFailureOf } from './promised-api.js';

function navigate(call: PromiseLike<unknown>, url: string): Promise<void> {
  return Promise.resolve(call).then(
    () => undefined,
    (reason: unknown) => {
      throw fromWxFailure('rejected', 'NAVIGATION_FAILED', `Could not open ${url}.`, wxFailureOf(reason));
    },
  );
}

export function promisedNavigator(api: PromisedNavigatorApi): Navigator {
  return {
    redirectTo: (url) => navigate(api.redirectTo({ url }), url),
    reLaunch: (url) => navigate(api.reLaunch({ url }), url),
  };
}
