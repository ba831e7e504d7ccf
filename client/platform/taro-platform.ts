// miniauth/taro: every port from Taro's `Taro` (React projects, WeChat target), so that a
// Taro page never touches `wx`: `createMiniAuth({ platform: taroPlatform(Taro) })`.

import type { Platform } from '../ports.js';
import type { PromisedApi } from './promised-platform.js';
import { promisedPlatform } from './promised-platform.js';

/** What the SDK calls on `Taro`: promise style. */
export interface TaroApi extends PromisedApi {
  login: (options: { timeout: number }) => PromiseLike<{ code?: string }>;
}

export function taroPlatform(taro: TaroApi, loginTimeoutMs = 10_000): Platform {
  return promisedPlatform(taro, () => taro.login({ timeout: loginTimeoutMs }));
}
