// The uni-app section of the guide, run: its files built into one app over uni-app's own `uni`
// (@dcloudio/uni-mp-weixin) on the simulator's phone, rendered by Vue 3 in jsdom, against the
// real server. A new person logs in through the login box; a token that expires while three
// refreshes are in flight costs one silent re-login, and each refresh is replayed once.

import { container } from '../../client/testing/dom.js';
import type { Element } from '../../client/testing/dom.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WxRuntime } from '../../simulator/index.js';
import type { World } from '../../client/testing/e2e-world.js';
import { eventually, startWorld } from '../../client/testing/e2e-world.js';
import { loadUni } from '../../client/testing/framework-apis.js';
import { startUniApp, UNI_APP_FILES } from './uni-app-project.js';

let world: World;
let serverTimeOffset = 0;
beforeAll(async () => {
  world = await startWorld({ serverClock: () => Date.now() + serverTimeOffset });
});
afterAll(() => world.close());

/** A WeChat component event as the mini program delivers it to a page: `event.detail`. */
function fire(element: Element | null, type: string, detail: unknown): void {
  if (!element) throw new Error(`nothing to receive ${type}`);
  (element as unknown as { dispatchEvent(event: unknown): void }).dispatchEvent(new CustomEvent(type, { detail }));
}

function tap(element: Element | null): void {
  (element as unknown as { click(): void } | null)?.click();
}

function button(root: Element, label: string): Element | null {
  return Array.from(root.querySelectorAll('button')).find((node) => node.textContent?.trim() === label) ?? null;
}

/** The login box of the guide, filled in as a person would: avatar, nickname, then the button. */
async function signUp(phone: WxRuntime, screen: Element, text: () => string): Promise<void> {
  await eventually(() => text().includes('Use this profile'), 'the login box');
  fire(screen.querySelector('button'), 'chooseavatar', phone.sim.chooseAvatar().detail);
  fire(screen.querySelector('input'), 'blur', { value: 'Bob' });
  await eventually(() => !(button(screen, 'Use this profile') as unknown as { disabled: boolean }).disabled, 'the box filled in');
  tap(button(screen, 'Use this profile'));
  await eventually(() => text().startsWith('Hello, Bob'), 'the greeting');
}

async function openApp(phone: WxRuntime, page: string) {
  phone.sim.launch({ path: 'pages/index/index' });
  const app = await startUniApp(await loadUni(phone), world.apiUrl);
  const screen = container();
  app.mount(screen);
  app.open(page);
  return { app, screen, text: () => screen.textContent?.replace(/\s+/g, ' ').trim() ?? '' };
}

describe('getting-started, uni-app (Vue 3)', () => {
  it('gives every file the guide promises', () => {
    expect([...UNI_APP_FILES.keys()].sort()).toEqual([
      'src/auth.js', 'src/components/login-box.vue', 'src/main.js', 'src/pages/index/index.vue', 'src/pages/profile/profile.vue',
    ]);
  });

  it('a new person logs in through the login box; "Not now" keeps the box with an explanation', async () => {
    const phone = world.runtime();
    const { app, screen, text } = await openApp(phone, 'src/pages/index/index.vue');
    await eventually(() => text().includes('Use this profile'), 'the login box');
    tap(button(screen, 'Not now'));
    await eventually(() => text().endsWith('Not now') === false, 'an explanation under the box');
    expect(text()).toContain('Use this profile');
    await signUp(phone, screen, text);
    expect(phone.sim.logins).toHaveLength(1);
    tap(button(screen, 'Log out'));
    await eventually(() => text() === 'Log in', 'logged out');
    app.unmount();
  });

  it('a token that expires under three refreshes: one silent re-login, each refresh replayed once', async () => {
    const phone = world.runtime();
    const { app, screen, text } = await openApp(phone, 'src/pages/index/index.vue');
    await signUp(phone, screen, text);
    app.open('src/pages/profile/profile.vue');
    await eventually(() => button(screen, 'Refresh') !== null, 'the profile page');
    tap(button(screen, 'Refresh'));
    await eventually(() => text() === 'BobRefresh', 'the profile');

    serverTimeOffset += 8 * 86_400_000; // a week later: the 7-day token has expired on the server
    const sent = phone.sim.requests.length;
    for (let i = 0; i < 3; i += 1) tap(button(screen, 'Refresh'));
    const me = () => phone.sim.requests.slice(sent).filter((request) => request.url.endsWith('/me'));
    await eventually(() => me().length === 6 && phone.sim.requestsInFlight() === 0, 'three refreshes, each sent twice and answered');
    expect(phone.sim.logins).toHaveLength(2);
    const tokens = me().map((request) => request.header['Authorization']);
    expect(new Set(tokens.slice(0, 3)).size).toBe(1); // the expired token, three times
    expect(new Set(tokens.slice(3)).size).toBe(1); // then the new one, three times
    expect(tokens[3]).not.toBe(tokens[0]);
    expect(text()).toBe('BobRefresh');
    app.unmount();
  });
});
