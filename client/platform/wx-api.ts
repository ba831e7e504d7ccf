// The subset of WeChat's `wx` object the SDK uses, typed structurally with WeChat's own names
// and callback shapes, so that the real `wx` and the simulator's runtime both fit.

import type { WxFailure } from '../errors.js';
import type { HttpMethod } from '../ports.js';

export interface WxCallbacks<TSuccess> {
  success?(result: TSuccess): void;
  fail?(failure: WxFailure): void;
  complete?(): void;
}

export interface WxRequestSuccess {
  statusCode: number;
  data: unknown;
  header?: Record<string, string>;
}

export interface WxLoginApi {
  login(options: { timeout?: number } & WxCallbacks<{ code: string }>): void;
}

export interface WxRequestApi {
  request(options: {
    url: string;
    method?: HttpMethod;
    data?: string | object;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: 'json' | 'other';
  } & WxCallbacks<WxRequestSuccess>): unknown;
}

export interface WxStorageApi {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

export interface WxNavigatorApi {
  redirectTo(options: { url: string } & WxCallbacks<unknown>): void;
  reLaunch(options: { url: string } & WxCallbacks<unknown>): void;
}

export interface WxFeedbackApi {
  showToast(options: { title: string; icon?: 'success' | 'error' | 'loading' | 'none'; duration?: number }): void;
  showLoading(options: { title: string; mask?: boolean }): void;
  hideLoading(options?: unknown): void;
}

export type WxApi = WxLoginApi & WxRequestApi & WxStorageApi & WxNavigatorApi & WxFeedbackApi;
