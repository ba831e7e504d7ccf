// miniauth/react on the real React 18 and react-dom in jsdom (concurrent roots, no act():
// React's own scheduler renders), with the login running against the simulator's phone and
// the real server.

import { container } from '../testing/dom.js';
import { createElement, Fragment, startTransition, useLayoutEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { MiniAuth } from '../session.js';
import type { Phone } from '../testing/e2e-world.js';
import { eventually, worldForThisFile } from '../testing/e2e-world.js';
import { AuthProvider, useAuth } from './react.js';

const world = worldForThisFile();

function Greeting({ renders }: { renders?: { count: number } }) {
  const auth = useAuth();
  if (renders) renders.count += 1;
  const { state } = auth;
  if (state.signedIn) return createElement('p', null, `Hello, ${state.user?.nickname}`);
  if (state.needsConsent) {
    const share = () => auth.consent({ nickname: 'Bob', avatarUrl: 'https://cdn.example.com/bob.png' });
    return createElement('button', { onClick: share }, 'Share my profile');
  }
  return createElement('p', null, state.signedOut ? 'Signed out' : 'Signing in…');
}

function render(auth: MiniAuth, children: number, renders?: { count: number }) {
  const element = container();
  const root = createRoot(element as unknown as HTMLElement);
  const greetings = Array.from({ length: children }, (_, i) => createElement(Greeting, { key: i, renders }));
  root.render(createElement(AuthProvider, { auth }, ...greetings));
  const tap = () => (element.querySelector('button') as unknown as { click(): void }).click();
  return { element, root, text: () => element.textContent, tap };
}

function launch(phone: Phone): void {
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
}

/** A page's privacy popup (the agree button is WeChat's `open-type="agreePrivacyAuthorization"`). */
function PrivacyPopup({ agree }: { agree: () => void }) {
  const { state } = useAuth();
  if (state.privacy.popup) return createElement('button', { onClick: agree }, 'Agree');
  return createElement('p', null, state.user?.phone ? `Phone ${state.user.phone}` : 'No phone');
}

describe('miniauth/react on React 18', () => {
  it('shows the privacy gate: the popup on a phone tap, agreeing binds the number once', async () => {
    const phone = world().phone({ privacy: 'popup', device: { privacy: { agreedVersion: 0 } } });
    const element = container();
    const root = createRoot(element as unknown as HTMLElement);
    const agree = () => phone.auth.agreePrivacy(phone.runtime.sim.tapAgreePrivacy('agree'));
    root.render(createElement(AuthProvider, { auth: phone.auth }, createElement(PrivacyPopup, { agree })));
    launch(phone);
    await eventually(() => phone.auth.getView().signedIn, 'signed in');
    const tapped = phone.runtime.sim.tapGetPhoneNumber().then((event) => phone.auth.bindPhone(event.detail));
    await eventually(() => element.textContent === 'Agree', 'the privacy popup');
    (element.querySelector('button') as unknown as { click(): void }).click();
    await tapped;
    await eventually(() => element.textContent?.startsWith('Phone ') === true, 'the phone bound');
    expect(phone.runtime.sim.requests.filter((request) => request.url.endsWith('/me/phone'))).toHaveLength(1);
    root.unmount();
  });

  it('re-renders on login, consent and logout', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = render(phone.auth, 1);
    await eventually(() => page.text() === 'Signing in…', 'first render');
    launch(phone);
    await eventually(() => page.text() === 'Share my profile', 'the login box');
    page.tap();
    await eventually(() => page.text() === 'Hello, Bob', 'the greeting');
    phone.auth.logout();
    await eventually(() => page.text() === 'Signed out', 'signed out');
    page.root.unmount();
  });

  it('an unmounted component stops updating', async () => {
    const phone = world().phone({ profile: 'required' });
    const renders = { count: 0 };
    const page = render(phone.auth, 1, renders);
    const witness = render(phone.auth, 1); // still mounted: shows when React has rendered the changes
    launch(phone);
    await eventually(() => page.text() === 'Share my profile', 'the login box');
    page.root.unmount();
    const before = renders.count;
    phone.auth.consent({ nickname: 'Eve', avatarUrl: 'https://cdn.example.com/eve.png' });
    await eventually(() => witness.text() === 'Hello, Eve', 'the witness greets');
    phone.auth.logout();
    await eventually(() => witness.text() === 'Signed out', 'the witness signed out');
    expect(renders.count).toBe(before);
    witness.root.unmount();
  });

  it('two components share one login: one tap updates both, one wx.login', async () => {
    const phone = world().phone({ profile: 'required' });
    const page = render(phone.auth, 2);
    launch(phone);
    await eventually(() => page.text() === 'Share my profileShare my profile', 'two login boxes');
    page.tap();
    await eventually(() => page.text() === 'Hello, BobHello, Bob', 'both greet');
    expect(phone.runtime.sim.logins).toHaveLength(1);
    page.root.unmount();
  });

  it('no tearing: components reading while the login changes mid-render commit one view', async () => {
    const phone = world().phone();
    launch(phone);
    await eventually(() => phone.auth.getView().signedIn, 'signed in');
    const commits: string[][] = [];
    let loggedOut = false;
    function Reader({ index }: { index: number }) {
      const { state } = useAuth();
      if (index === 2 && !loggedOut) {
        loggedOut = true;
        phone.auth.logout(); // the login changes after readers 0 and 1 have rendered
      }
      return createElement('i', null, state.signedIn ? 'in' : 'out');
    }
    function Readers() {
      useLayoutEffect(() => {
        commits.push(Array.from(element.querySelectorAll('i'), (node) => node.textContent ?? ''));
      });
      return createElement(Fragment, null, ...[0, 1, 2, 3, 4].map((index) => createElement(Reader, { key: index, index })));
    }
    const element = container();
    const root = createRoot(element as unknown as HTMLElement);
    startTransition(() => root.render(createElement(AuthProvider, { auth: phone.auth }, createElement(Readers))));
    await eventually(() => commits.length > 0, 'a commit');
    expect(loggedOut).toBe(true);
    expect(commits).toEqual([['out', 'out', 'out', 'out', 'out']]);
    root.unmount();
  });
});
