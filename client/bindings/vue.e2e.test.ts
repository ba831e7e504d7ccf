// miniauth/vue on the real Vue 3 (components mounted by @vue/test-utils in jsdom), with the
// login running against the simulator's phone and the real server.

import '../testing/dom.js';
import { mount } from '@vue/test-utils';
import { defineComponent, nextTick, onBeforeUpdate } from 'vue';
import { describe, expect, it } from 'vitest';
import type { Phone } from '../testing/e2e-world.js';
import { eventually, worldForThisFile } from '../testing/e2e-world.js';
import { authVuePlugin, useAuth } from './vue.js';

const world = worldForThisFile();

let renders = 0;

/** A page's greeting and its login box, as a uni-app page would write them. */
const Greeting = defineComponent({
  template: `
    <p v-if="auth.state.signedIn">Hello, {{ auth.state.user.nickname }}</p>
    <button v-else-if="auth.state.needsConsent" @click="share">Share my profile</button>
    <p v-else-if="auth.state.signedOut">Signed out</p>
    <p v-else>Signing in…</p>`,
  setup() {
    const auth = useAuth();
    onBeforeUpdate(() => {
      renders += 1;
    });
    return { auth, share: () => auth.consent({ nickname: 'Bob', avatarUrl: 'https://cdn.example.com/bob.png' }) };
  },
});

function mountApp(phone: Phone, template: string) {
  return mount(defineComponent({ components: { Greeting }, template }), {
    global: { plugins: [authVuePlugin(phone.auth)] },
  });
}

function launch(phone: Phone): void {
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
}

describe('miniauth/vue on Vue 3', () => {
  it('re-renders on login, consent and logout', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, '<Greeting />');
    expect(page.text()).toBe('Signing in…');
    launch(phone);
    await eventually(() => page.text() === 'Share my profile', 'the login box');
    await page.get('button').trigger('click');
    await eventually(() => page.text() === 'Hello, Bob', 'the greeting');
    phone.auth.logout();
    await eventually(() => page.text() === 'Signed out', 'signed out');
    page.unmount();
  });

  it('$auth works in templates of options components too', async () => {
    const phone = world().phone();
    const page = mount(defineComponent({ template: '<p>{{ $auth.state.signedIn ? "in" : "out" }}</p>' }), {
      global: { plugins: [authVuePlugin(phone.auth)] },
    });
    launch(phone);
    await eventually(() => page.text() === 'in', 'signed in');
    page.unmount();
  });

  it('an unmounted component stops updating', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, '<Greeting />');
    launch(phone);
    await eventually(() => page.text() === 'Share my profile', 'the login box');
    page.unmount();
    const before = renders;
    phone.auth.consent({ nickname: 'Eve', avatarUrl: 'https://cdn.example.com/eve.png' });
    await eventually(() => phone.auth.getView().signedIn, 'signed in');
    phone.auth.logout();
    await nextTick();
    expect(renders).toBe(before);
  });

  it('shows the privacy gate: the popup on a phone tap, agreeing binds the number once', async () => {
    const phone = world().phone({ privacy: 'popup', device: { privacy: { agreedVersion: 0 } } });
    const PrivacyPopup = defineComponent({
      template: `
        <div v-if="auth.state.privacy.popup" class="popup">
          <button id="agree" @click="agree">Agree</button>
        </div>
        <p v-else-if="auth.state.user?.phone">Phone {{ auth.state.user.phone }}</p>`,
      setup() {
        const auth = useAuth();
        return { auth, agree: () => auth.agreePrivacy(phone.runtime.sim.tapAgreePrivacy('agree')) };
      },
    });
    const page = mount(PrivacyPopup, { global: { plugins: [authVuePlugin(phone.auth)] } });
    launch(phone);
    await eventually(() => phone.auth.getView().signedIn, 'signed in');
    const tapped = phone.runtime.sim.tapGetPhoneNumber().then((event) => phone.auth.bindPhone(event.detail));
    await eventually(() => page.find('.popup').exists(), 'the privacy popup');
    await page.get('#agree').trigger('click');
    await tapped;
    await eventually(() => page.text().startsWith('Phone '), 'the phone bound');
    expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone'))).toHaveLength(1);
    page.unmount();
  });

  it('two components share one login: one tap updates both, one wx.login, one profile sent', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = mountApp(phone, '<div><Greeting class="a" /><Greeting class="b" /></div>');
    launch(phone);
    await eventually(() => page.findAll('button').length === 2, 'two login boxes');
    await page.get('button').trigger('click');
    await eventually(() => page.text() === 'Hello, BobHello, Bob', 'both greet');
    expect(phone.runtime.sim.logins).toHaveLength(1);
    expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/profile'))).toHaveLength(1);
    page.unmount();
  });
});
