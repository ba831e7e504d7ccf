// The promise-style `wx` that uni-app's `uni` and Taro's `Taro` expose on WeChat: the same
// calls, each returning a promise of WeChat's success result that rejects with WeChat's
// failure (`{ errMsg, errno }`). Only what the SDK calls, typed structurally so that the
// frameworks' own objects fit without their typings.

import type { WxFailure } from '../errors.js';
import type { HttpMethod } from '../ports.js';
import type { RequestSuccess } from './http-answer.js';

export interface PromisedRequestApi {
  request(options: {
    url: string;
    method: HttpMethod;
    data?: string | Record<string, unknown>;
    header: Record<string, string>;
    timeout?: number;
    dataType: 'json';
  }): PromiseLike<RequestSuccess>;
}

export interface PromisedNavigatorApi {
  redirectTo(options: { url: string }): PromiseLike<unknown>;
  reLaunch(options: { url: string }): PromiseLike<unknown>;
}

export interface PromisedFeedbackApi {
  showToast(options: { title: string; icon: 'none'; duration: number }): unknown;
  showLoading(options: { title: string; mask: boolean }): unknown;
  hideLoading(): unknown;
}

/** A rejection's WeChat failure: `{ errMsg, errno }` as the framework passed it on, or a thrown Error's message. */
export function wxFailureOf(reason: unknown): WxFailure {
  if (typeof reason !== 'object' || reason === null) return {};
  const { errMsg, errno, message } = reason as { errMsg?: unknown; errno?: unknown; message?: unknown };
  const failure: WxFailure = {};
  if (typeof errMsg === 'string') failure.errMsg = errMsg;
  else if (typeof message === 'string') failure.errMsg = message;
  if (typeof errno === 'number') failure.errno = errno;
  return failure;
}
