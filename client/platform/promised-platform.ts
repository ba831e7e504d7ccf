// Every port from a promise-style `wx` (uni-app's `uni`, Taro's `Taro`); each framework's
// file adds its own way of calling login.

import { systemClock } from '../ports.js';
import type { Platform } from '../ports.js';
import type { PromisedFeedbackApi, PromisedNavigatorApi, PromisedRequestApi } from './promised-api.js';
import { promisedFeedback } from './promised-feedback.js';
import { promisedLogin } from './promised-login.js';
import { promisedNavigator } from './promised-navigator.js';
import { promisedRequest } from './promised-request.js';
import type { WxStorageApi } from './wx-api.js';
import { wxStorage } from './wx-storage.js';

export interface PromisedApi extends PromisedRequestApi, PromisedNavigatorApi, PromisedFeedbackApi, WxStorageApi {}

export function promisedPlatform(api: PromisedApi, login: () => PromiseLike<{ code?: string }>): Platform {
  return {
    storage: wxStorage(api), // the frameworks' storage calls are wx's: synchronous, '' for a missing key
    request: promisedRequest(api),
    login: promisedLogin(login),
    navigator: promisedNavigator(api),
    feedback: promisedFeedback(api),
    clock: systemClock,
  };
}
