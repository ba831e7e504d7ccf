// Navigator port over wx's page stack calls.

import { fromWxFailure } from '../errors.js';
import type { Navigator } from '../ports.js';
import type { WxCallbacks, WxNavigatorApi } from './wx-api.js';

type NavigationCall = (options: { url: string } & WxCallbacks<unknown>) => void;

function navigate(call: NavigationCall, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    call({
      url,
      success: () => resolve(),
      fail: (failure) => reject(fromWxFailure('rejected', 'NAVIGATION_FAILED', `Could not open ${url}.`, failure || {})),
    });
  });
}

export function wxNavigator(wx: WxNavigatorApi): Navigator {
  return {
    redirectTo: (url) => navigate((options) => wx.redirectTo(options), url),
    reLaunch: (url) => navigate((options) => wx.reLaunch(options), url),
  };
}
