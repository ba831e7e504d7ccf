// miniauth/uni: every port from uni-app's `uni` (Vue 3 projects, WeChat target), so that a
// uni-app page never touches `wx`: `createMiniAuth({ platform: uniPlatform(uni) })`.

import type { Platform } from '../ports.js';
import type { PromisedApi } from './promised-platform.js';
import { promisedPlatform } from './promised-platform.js';

/** What the SDK calls on `uni`: promise style, and uni's `provider` naming the login service. */
export interface UniApi extends PromisedApi {
  login: (options: { provider: 'weixin'; timeout: number }) => PromiseLike<{ code?: string }>;
}

export function uniPlatform(uni: UniApi, loginTimeoutMs = 10_000): Platform {
  return promisedPlatform(uni, () => uni.login({ provider: 'weixin', timeout: loginTimeoutMs }));
}
