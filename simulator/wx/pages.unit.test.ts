import { describe, expect, it } from 'vitest';
import type { GeneralCallbackResult } from '../wx-types.js';
import { parsePageUrl } from './pages.js';
import { createWxRuntime, type WxRuntime } from './runtime.js';

function phone(pages?: string[]): WxRuntime {
  const runtime = createWxRuntime({ simulatorUrl: 'http://127.0.0.1:9', appId: 'wxa', ...(pages ? { pages } : {}) });
  runtime.sim.launch({ path: '/pages/index/index' });
  return runtime;
}

type Navigate = (option: {
  url: string;
  success: (res: GeneralCallbackResult) => void;
  fail: (err: GeneralCallbackResult) => void;
}) => unknown;

function go(api: Navigate, url: string): Promise<{ ok: boolean; errMsg: string }> {
  return new Promise((resolve) => {
    api({
      url,
      success: (res: GeneralCallbackResult) => resolve({ ok: true, errMsg: res.errMsg }),
      fail: (err: GeneralCallbackResult) => resolve({ ok: false, errMsg: err.errMsg }),
    });
  });
}

function back(runtime: WxRuntime, delta?: number): Promise<{ ok: boolean; errMsg: string }> {
  return new Promise((resolve) => {
    runtime.wx.navigateBack({
      ...(delta === undefined ? {} : { delta }),
      success: (res) => resolve({ ok: true, errMsg: res.errMsg }),
      fail: (err) => resolve({ ok: false, errMsg: err.errMsg }),
    });
  });
}

const routes = (runtime: WxRuntime) => runtime.getCurrentPages().map((page) => page.route);

describe('the page stack', () => {
  it('navigateTo pushes pages with their options, up to 10', async () => {
    const runtime = phone();
    expect(await go(runtime.wx.navigateTo, '/pages/detail/detail?id=7&name=%E5%B0%8F')).toEqual({ ok: true, errMsg: 'navigateTo:ok' });
    expect(runtime.getCurrentPages()[1]).toEqual({ route: 'pages/detail/detail', options: { id: '7', name: '小' } });
    for (let i = 3; i <= 10; i += 1) expect((await go(runtime.wx.navigateTo, `/pages/p${i}/p${i}`)).ok).toBe(true);
    expect(runtime.getCurrentPages()).toHaveLength(10);
    expect(await go(runtime.wx.navigateTo, '/pages/eleven/eleven')).toEqual({
      ok: false,
      errMsg: 'navigateTo:fail webview count limit exceed',
    });
    expect(runtime.getCurrentPages()).toHaveLength(10);
  });

  it('redirectTo replaces the top page', async () => {
    const runtime = phone();
    await go(runtime.wx.navigateTo, '/pages/login/login');
    await go(runtime.wx.redirectTo, '/pages/share/share?id=1');
    expect(runtime.getCurrentPages()).toEqual([
      { route: 'pages/index/index', options: {} },
      { route: 'pages/share/share', options: { id: '1' } },
    ]);
  });

  it('without callbacks, a call returns a promise (base library 2.10.2+) that rejects with the failure', async () => {
    const runtime = phone(['pages/index/index', 'pages/share/share']);
    await expect(runtime.wx.redirectTo({ url: '/pages/share/share?id=1' })).resolves.toEqual({ errMsg: 'redirectTo:ok' });
    await expect(runtime.wx.navigateTo({ url: '/pages/nowhere/nowhere' })).rejects.toEqual({
      errMsg: 'navigateTo:fail page "pages/nowhere/nowhere" is not found',
    });
    expect(runtime.getCurrentPages()).toEqual([{ route: 'pages/share/share', options: { id: '1' } }]);
  });

  it('reLaunch leaves only the new page', async () => {
    const runtime = phone();
    await go(runtime.wx.navigateTo, '/pages/a/a');
    await go(runtime.wx.navigateTo, '/pages/b/b');
    expect(await go(runtime.wx.reLaunch, '/pages/home/home?tab=2')).toEqual({ ok: true, errMsg: 'reLaunch:ok' });
    expect(runtime.getCurrentPages()).toEqual([{ route: 'pages/home/home', options: { tab: '2' } }]);
  });

  it('navigateBack goes back delta pages, stops at the first, fails on the first', async () => {
    const runtime = phone();
    for (const name of ['a', 'b', 'c']) await go(runtime.wx.navigateTo, `/pages/${name}/${name}`);
    expect(await back(runtime)).toEqual({ ok: true, errMsg: 'navigateBack:ok' });
    expect(routes(runtime)).toEqual(['pages/index/index', 'pages/a/a', 'pages/b/b']);
    await back(runtime, 2);
    expect(routes(runtime)).toEqual(['pages/index/index']);
    expect(await back(runtime)).toEqual({ ok: false, errMsg: 'navigateBack:fail cannot navigate back at first page.' });
    await go(runtime.wx.navigateTo, '/pages/a/a');
    await back(runtime, 99);
    expect(routes(runtime)).toEqual(['pages/index/index']);
  });

  it('resolves relative urls against the current page', async () => {
    const runtime = phone();
    await go(runtime.wx.navigateTo, 'detail?id=1');
    expect(routes(runtime)).toEqual(['pages/index/index', 'pages/index/detail']);
    await go(runtime.wx.navigateTo, '../share/share');
    expect(routes(runtime)[2]).toBe('pages/share/share');
  });

  it('refuses a page app.json does not list, when the list is given', async () => {
    const runtime = phone(['pages/index/index', 'pages/login/login']);
    expect(await go(runtime.wx.navigateTo, '/pages/nope/nope')).toEqual({ ok: false, errMsg: 'navigateTo:fail page "pages/nope/nope" is not found' });
    expect((await go(runtime.wx.navigateTo, '/pages/login/login')).ok).toBe(true);
  });

  it('changes the stack at once and calls back afterwards', () => {
    const runtime = phone();
    let called = false;
    runtime.wx.navigateTo({ url: '/pages/a/a', success: () => (called = true) });
    expect(routes(runtime)).toEqual(['pages/index/index', 'pages/a/a']);
    expect(called).toBe(false);
  });
});

describe('parsePageUrl', () => {
  it('splits route and decoded options', () => {
    expect(parsePageUrl('/pages/x/y?a=1&b=%20c&flag')).toEqual({ ok: true, page: { route: 'pages/x/y', options: { a: '1', b: ' c', flag: '' } } });
  });
});

describe('launch, hide and show', () => {
  it('launch from a shared card: one page, the launch options App.onLaunch would see', () => {
    const runtime = createWxRuntime({ simulatorUrl: 'http://127.0.0.1:9', appId: 'wxa' });
    runtime.sim.launch({ path: '/pages/share/share?from=card', query: { id: '42' }, scene: 1007 });
    expect(runtime.getCurrentPages()).toEqual([{ route: 'pages/share/share', options: { from: 'card', id: '42' } }]);
    expect(runtime.wx.getLaunchOptionsSync()).toMatchObject({ path: 'pages/share/share', query: { from: 'card', id: '42' }, scene: 1007, referrerInfo: {} });
    expect(runtime.wx.getEnterOptionsSync().scene).toBe(1007);
  });

  it('hide and show reach the listeners; a card opened from the background relaunches there', () => {
    const runtime = phone();
    const heard: string[] = [];
    runtime.wx.onAppHide(() => heard.push('hide'));
    runtime.wx.onAppShow((options) => heard.push(`show ${options.path}`));
    runtime.sim.hide();
    expect(runtime.sim.isForeground()).toBe(false);
    runtime.sim.show();
    runtime.sim.show({ path: '/pages/share/share', query: { id: '9' }, scene: 1007 });
    expect(heard).toEqual(['hide', 'show pages/index/index', 'show pages/share/share']);
    expect(runtime.getCurrentPages()).toEqual([{ route: 'pages/share/share', options: { id: '9' } }]);
    expect(runtime.wx.getEnterOptionsSync()).toMatchObject({ path: 'pages/share/share', scene: 1007 });
    expect(runtime.wx.getLaunchOptionsSync().path).toBe('pages/index/index');
  });
});

describe('what the user saw', () => {
  it('records toasts, loadings and modals; a toast replaces the loading', async () => {
    const runtime = phone();
    runtime.wx.showLoading({ title: '登录中' });
    expect(runtime.sim.loading()?.title).toBe('登录中');
    runtime.wx.hideLoading();
    expect(runtime.sim.loading()).toBeNull();
    runtime.wx.showToast({ title: '登录成功' });
    runtime.wx.showToast({ title: '网络好像不太好诶', icon: 'none' });
    expect(runtime.sim.toasts.map((toast) => [toast.title, toast.icon])).toEqual([
      ['登录成功', 'success'],
      ['网络好像不太好诶', 'none'],
    ]);
    expect(runtime.sim.loadings).toEqual([expect.objectContaining({ title: '登录中', hiddenAt: expect.any(Number) })]);
    const stray = await new Promise((resolve) => runtime.wx.hideLoading({ fail: resolve }));
    expect(stray).toEqual({ errMsg: "hideLoading:fail toast can't be found" });

    runtime.sim.answerModals('cancel');
    const answer = await new Promise((resolve) => runtime.wx.showModal({ title: '提示', content: '请先登录', success: resolve }));
    expect(answer).toEqual({ errMsg: 'showModal:ok', confirm: false, cancel: true });
    expect(runtime.sim.modals).toEqual([expect.objectContaining({ title: '提示', content: '请先登录', confirmed: false })]);
  });
});
