// The calls of WeChat's `wx` that the SDK's wx adapters make, typed structurally with WeChat's
// names and callback shapes, so that an app compiles without WeChat's typings. The real `wx`
// (as miniprogram-api-typings types it) fits, and so does the simulator's runtime: checked in
// platform-typings.unit.test.ts. Members are function-typed properties, so that the check
// compares what the adapters pass against what WeChat accepts, parameter by parameter.

import type { WxFailure } from '../errors.js';
import type { HttpMethod } from '../ports.js';
import type { RequestSuccess } from './http-answer.js';

export interface WxCallbacks<TSuccess> {
  success?: (result: TSuccess) => void;
  fail?: (failure: WxFailure) => void;
  complete?: () => void;
}

export interface WxLoginApi {
  login: (options: { timeout?: number } & WxCallbacks<{ code: string }>) => unknown;
}

export interface WxRequestApi {
  request: (options: {
    url: string;
    method?: HttpMethod;
    data?: string | Record<string, unknown>;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: 'json' | 'other';
  } & WxCallbacks<RequestSuccess>) => unknown;
}

export interface WxStorageApi {
  getStorageSync: (key: string) => unknown;
  setStorageSync: (key: string, value: string) => void;
  removeStorageSync: (key: string) => void;
}

export interface WxNavigatorApi {
  redirectTo: (options: { url: string } & WxCallbacks<unknown>) => unknown;
  reLaunch: (options: { url: string } & WxCallbacks<unknown>) => unknown;
}

export interface WxFeedbackApi {
  showToast: (options: { title: string; icon?: 'success' | 'error' | 'loading' | 'none'; duration?: number } & WxCallbacks<unknown>) => unknown;
  showLoading: (options: { title: string; mask?: boolean } & WxCallbacks<unknown>) => unknown;
  hideLoading: (options?: WxCallbacks<unknown>) => unknown;
}

/**
 * The privacy calls (base library 2.32.3+, so optional). WeChat's typings give the listener a
 * `GeneralCallbackResult`; WeChat calls it with `(resolve, eventInfo)`, which the port reads.
 */
export interface WxPrivacyApi {
  getPrivacySetting?: (options: WxCallbacks<{ needAuthorization: boolean; privacyContractName?: string }>) => unknown;
  onNeedPrivacyAuthorization?: (listener: never) => unknown;
  requirePrivacyAuthorize?: (options: WxCallbacks<unknown>) => unknown;
  openPrivacyContract?: (options: WxCallbacks<unknown>) => unknown;
}

export type WxApi = WxLoginApi & WxRequestApi & WxStorageApi & WxNavigatorApi & WxFeedbackApi & WxPrivacyApi;
