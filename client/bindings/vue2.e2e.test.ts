// miniauth/vue on the real Vue 2.7 (the `vue2` alias of vue@2.7 stands in for `vue`, as in a
// Vue 2.7 app), with the login running against the simulator's phone and the real server.

import '../testing/dom.js';
import { describe, expect, it, vi } from 'vitest';
import * as vue2 from 'vue2';
import { defineComponent, h, onBeforeUpdate } from 'vue2';
import type { VueConstructor } from 'vue2';
import { container } from '../testing/dom.js';
import type { Phone } from '../testing/e2e-world.js';
import { eventually, worldForThisFile } from '../testing/e2e-world.js';
import { authVuePlugin, useAuth } from './vue.js';

vi.mock('vue', async () => await import('vue2'));
// Vue 2's types describe CommonJS, where NodeNext makes `default` the whole module; its ESM
// build's default export is the constructor.
const Vue = vue2.default as unknown as VueConstructor;
Vue.config.devtools = false;
Vue.config.productionTip = false;

const world = worldForThisFile();

let renders = 0;

const Greeting = defineComponent({
  setup() {
    const auth = useAuth();
    onBeforeUpdate(() => {
      renders += 1;
    });
    const share = () => auth.consent({ nickname: 'Bob', avatarUrl: 'https://cdn.example.com/bob.png' });
    return () => {
      const { state } = auth;
      if (state.signedIn) return h('p', `Hello, ${state.user?.nickname}`);
      if (state.needsConsent) return h('button', { on: { click: share } }, 'Share my profile');
      return h('p', state.signedOut ? 'Signed out' : 'Signing in…');
    };
  },
});

/** An options-API component reading `this.$auth`, as mpvue-era pages do. */
const Status = Vue.extend({
  render(this: { $auth: { state: { busy: boolean } } }, make: typeof h) {
    return make('i', this.$auth.state.busy ? 'busy' : 'idle');
  },
});

function mountApp(phone: Phone, children: number) {
  Vue.use(authVuePlugin(phone.auth));
  const root = new Vue({ render: (make) => make('div', [...Array.from({ length: children }, () => make(Greeting)), make(Status)]) });
  root.$mount(container());
  const element = root.$el as unknown as { textContent: string; querySelector(s: string): { click(): void } | null };
  return { root, text: () => element.textContent, tap: () => element.querySelector('button')?.click() };
}

function launch(phone: Phone): void {
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
}

describe('miniauth/vue on Vue 2.7', () => {
  it('re-renders on login, consent and logout, in setup() and in this.$auth', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, 1);
    expect(page.text()).toBe('Signing in…idle');
    launch(phone);
    await eventually(() => page.text() === 'Share my profileidle', 'the login box');
    page.tap();
    await eventually(() => page.text() === 'Hello, Bobidle', 'the greeting');
    phone.auth.logout();
    await eventually(() => page.text() === 'Signed outidle', 'signed out');
    page.root.$destroy();
  });

  it('a destroyed component stops updating', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, 1);
    launch(phone);
    await eventually(() => page.text() === 'Share my profileidle', 'the login box');
    page.root.$destroy();
    const before = renders;
    phone.auth.consent({ nickname: 'Eve', avatarUrl: 'https://cdn.example.com/eve.png' });
    await eventually(() => phone.auth.getView().signedIn, 'signed in');
    phone.auth.logout();
    await Vue.nextTick();
    expect(renders).toBe(before);
  });

  it('two components share one login', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, 2);
    launch(phone);
    await eventually(() => page.text() === 'Share my profileShare my profileidle', 'two login boxes');
    page.tap();
    await eventually(() => page.text() === 'Hello, BobHello, Bobidle', 'both greet');
    expect(phone.runtime.sim.logins).toHaveLength(1);
    page.root.$destroy();
  });
});
