// Privacy port over wx's consent-gate calls; absent (undefined) on a base library without them.

import { fromWxFailure } from '../errors.js';
import type { Privacy, PrivacyResolution } from '../ports.js';
import type { WxPrivacyApi } from './wx-api.js';

type Listener = (resolve: (resolution: PrivacyResolution) => void, eventInfo?: { referrer?: string }) => void;

export function wxPrivacy(wx: WxPrivacyApi): Privacy | undefined {
  const { getPrivacySetting, onNeedPrivacyAuthorization, requirePrivacyAuthorize, openPrivacyContract } = wx;
  if (!getPrivacySetting || !onNeedPrivacyAuthorization || !requirePrivacyAuthorize || !openPrivacyContract) return undefined;
  const failed = (api: string) => (failure: { errMsg?: string; errno?: number }) =>
    fromWxFailure('denied', 'PRIVACY_REFUSED', `${api} failed`, failure || {});
  return {
    getSetting: () => new Promise((resolve, reject) => {
      getPrivacySetting.call(wx, { success: resolve, fail: (failure) => reject(failed('getPrivacySetting')(failure)) });
    }),
    onNeedAuthorization(listener) {
      const relay: Listener = (resolve, eventInfo) => listener(resolve, eventInfo?.referrer ?? '');
      onNeedPrivacyAuthorization.call(wx, relay as never);
    },
    requireAuthorize: () => new Promise((resolve, reject) => {
      requirePrivacyAuthorize.call(wx, { success: () => resolve(), fail: (failure) => reject(failed('requirePrivacyAuthorize')(failure)) });
    }),
    openContract: () => new Promise((resolve, reject) => {
      openPrivacyContract.call(wx, { success: () => resolve(), fail: (failure) => reject(failed('openPrivacyContract')(failure)) });
    }),
  };
}
