// The uni-app and Taro adapters on the frameworks' own API packages (@dcloudio/uni-mp-weixin,
// @tarojs/taro with its weapp plugin), which call the simulator's `wx` underneath as they call
// WeChat's on a phone; requests go to the real server.

import { describe, expect, it } from 'vitest';
import type { WxRuntime } from '../../simulator/index.js';
import { isMiniAuthError } from '../errors.js';
import type { Platform } from '../ports.js';
import { worldForThisFile } from '../testing/e2e-world.js';
import { loadTaro, loadUni } from '../testing/framework-apis.js';
import { taroPlatform } from './taro-platform.js';
import type { TaroApi } from './taro-platform.js';
import { uniPlatform } from './uni-platform.js';
import type { UniApi } from './uni-platform.js';

const world = worldForThisFile();

const FRAMEWORKS = [
  { name: 'uni-app', platform: async (phone: WxRuntime) => uniPlatform((await loadUni(phone)) as UniApi) },
  { name: 'Taro', platform: async (phone: WxRuntime) => taroPlatform((await loadTaro(phone)) as TaroApi) },
];

describe.each(FRAMEWORKS)('$name adapters over the phone', ({ platform: adapt }) => {
  async function phone(): Promise<{ runtime: WxRuntime; platform: Platform }> {
    const runtime = world().runtime();
    runtime.sim.launch({ path: 'pages/index/index' });
    return { runtime, platform: await adapt(runtime) };
  }

  it('login: a WeChat code; no network: a typed failure with errno and errMsg kept', async () => {
    const { runtime, platform } = await phone();
    const { code } = await platform.login.login();
    expect(runtime.sim.logins.map((login) => login.code)).toEqual([code]);
    runtime.sim.setNetwork('offline');
    const failure = await platform.login.login().catch((error: unknown) => error);
    expect(isMiniAuthError(failure)).toBe(true);
    expect(failure).toMatchObject({
      reason: 'wxLogin', code: 'WX_LOGIN_FAILED', errMsg: 'login:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001,
    });
  });

  it('request: an HTTP error resolves with ok false; only no answer at all rejects', async () => {
    const { runtime, platform } = await phone();
    const answer = await platform.request.send({ url: `${world().apiUrl}/me`, method: 'GET', header: { 'X-Trace': '1' } });
    expect(answer).toMatchObject({ ok: false, status: 401, data: { code: -1, error: 'TOKEN_MISSING' } });
    expect(answer.header['content-type']).toContain('application/json');
    expect(runtime.sim.requests.at(-1)?.header).toMatchObject({ 'X-Trace': '1' });
    runtime.sim.setNetwork('offline');
    await expect(platform.request.send({ url: `${world().apiUrl}/me`, method: 'GET' })).rejects.toMatchObject({
      reason: 'network', code: 'NETWORK', errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001,
    });
  });

  it('storage: kept on the phone; a missing key reads as absent', async () => {
    const { runtime, platform } = await phone();
    platform.storage.set('miniauth:login', '{"token":"t"}');
    expect(runtime.sim.storage.get('miniauth:login')).toBe('{"token":"t"}');
    expect(platform.storage.get('miniauth:login')).toBe('{"token":"t"}');
    platform.storage.remove('miniauth:login');
    expect(platform.storage.get('miniauth:login')).toBeNull();
  });

  it('navigation: the page stack follows; an unknown page rejects with WeChat errMsg', async () => {
    const { runtime, platform } = await phone();
    await platform.navigator.redirectTo('/pages/share/index?invite=abc');
    expect(runtime.sim.pages()).toEqual([{ route: 'pages/share/index', options: { invite: 'abc' } }]);
    await platform.navigator.reLaunch('/pages/login/index');
    expect(runtime.sim.pages()).toEqual([{ route: 'pages/login/index', options: {} }]);
    await expect(platform.navigator.redirectTo('/pages/nowhere/index')).rejects.toMatchObject({
      code: 'NAVIGATION_FAILED', errMsg: 'redirectTo:fail page "pages/nowhere/index" is not found',
    });
  });

  it('feedback: a toast without an icon; hiding a loading indicator that is gone is harmless', async () => {
    const { runtime, platform } = await phone();
    platform.feedback.showLoading('Signing in');
    platform.feedback.toast('WeChat is busy; try again.');
    platform.feedback.hideLoading(); // the toast replaced it: WeChat answers "toast can't be found"
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runtime.sim.toasts.map(({ title, icon }) => ({ title, icon }))).toEqual([{ title: 'WeChat is busy; try again.', icon: 'none' }]);
    expect(runtime.sim.loadings.map((loading) => loading.title)).toEqual(['Signing in']);
  });
});
