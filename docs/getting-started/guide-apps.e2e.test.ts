// Sections 4 and 5 of the guide, run: each section's files built into one app over the
// framework's own API package (uni-app's `uni` from @dcloudio/uni-mp-weixin, Taro's `Taro`
// with its weapp plugin) on the simulator's phone, rendered by Vue 3 or React 18 in jsdom,
// against the real server. A new person logs in through the login box; a token that expires
// while three refreshes are in flight costs one silent re-login, and each is replayed once.

import { container } from '../../client/testing/dom.js';
import { describe, expect, it } from 'vitest';
import { eventually, worldForThisFile } from '../../client/testing/e2e-world.js';
import { loadTaro, loadUni } from '../../client/testing/framework-apis.js';
import type { WxRuntime } from '../../simulator/index.js';
import type { Screen } from './guide-screen.js';
import { refreshThriceAfterExpiry, screenOf, signUp } from './guide-screen.js';
import { startTaroApp, TARO_FILES } from './taro-project.js';
import { startUniApp, UNI_APP_FILES } from './uni-app-project.js';

let serverTimeOffset = 0;
const world = worldForThisFile({ serverClock: () => Date.now() + serverTimeOffset });

interface RunningApp {
  screen: Screen;
  open(page: string): void;
  unmount(): void;
}

const FRAMEWORKS = [
  {
    name: 'uni-app (Vue 3)',
    files: UNI_APP_FILES,
    pages: { index: 'src/pages/index/index.vue', profile: 'src/pages/profile/profile.vue' },
    others: ['src/auth.js', 'src/components/login-box.vue', 'src/main.js'],
    async start(phone: WxRuntime): Promise<RunningApp> {
      const root = container();
      const app = await startUniApp(await loadUni(phone), world().apiUrl);
      app.mount(root);
      return { ...app, screen: screenOf(root, 'uni-app') };
    },
  },
  {
    name: 'Taro (React)',
    files: TARO_FILES,
    pages: { index: 'src/pages/index/index.tsx', profile: 'src/pages/profile/index.tsx' },
    others: ['src/app.tsx', 'src/auth.ts', 'src/components/LoginBox.tsx'],
    async start(phone: WxRuntime): Promise<RunningApp> {
      const root = container();
      const app = await startTaroApp(await loadTaro(phone), world().apiUrl, root);
      return { ...app, screen: screenOf(root, 'Taro') };
    },
  },
];

describe.each(FRAMEWORKS)('getting-started, $name', ({ files, pages, others, start }) => {
  async function openApp(phone: WxRuntime, page: string): Promise<RunningApp> {
    phone.sim.launch({ path: 'pages/index/index' });
    const app = await start(phone);
    app.open(page);
    return app;
  }

  it('gives every file it promises', () => {
    expect([...files.keys()].sort()).toEqual([...others, pages.index, pages.profile].sort());
  });

  it('a new person logs in through the login box; "Not now" keeps the box with an explanation', async () => {
    const phone = world().runtime();
    const { screen, unmount } = await openApp(phone, pages.index);
    await eventually(() => screen.text().includes('Use this profile'), 'the login box');
    screen.tap('Not now');
    await eventually(() => !screen.text().endsWith('Not now'), 'an explanation under the box');
    expect(screen.text()).toContain('Use this profile');
    await signUp(phone, screen, 'Bob');
    expect(phone.sim.logins).toHaveLength(1);
    screen.tap('Log out');
    await eventually(() => screen.text() === 'Log in', 'logged out');
    unmount();
  });

  it('a token that expires under three refreshes: one silent re-login, each refresh replayed once', async () => {
    const phone = world().runtime();
    const { screen, open, unmount } = await openApp(phone, pages.index);
    await signUp(phone, screen, 'Bob');
    open(pages.profile);
    await eventually(() => screen.text() === 'Refresh', 'the profile page');
    screen.tap('Refresh');
    await eventually(() => screen.text() === 'BobRefresh', 'the profile');

    const tokens = await refreshThriceAfterExpiry(phone, screen, () => {
      serverTimeOffset += 8 * 86_400_000; // a week later: the 7-day token has expired on the server
    });
    expect(phone.sim.logins).toHaveLength(2);
    expect(new Set(tokens.slice(0, 3)).size).toBe(1); // the expired token, three times
    expect(new Set(tokens.slice(3)).size).toBe(1); // then the new one, three times
    expect(tokens[3]).not.toBe(tokens[0]);
    expect(screen.text()).toBe('BobRefresh');
    unmount();
  });
});
