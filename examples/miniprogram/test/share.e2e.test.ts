// A shared card opened by a new user, in both modes of config.js: the share page accepts its
// invitation once, and only once the person is signed in; the page stack ends as one page, the
// shared one, with its query. And where such a card comes from: the home page's share button,
// whose card a friend on another phone opens.

import { describe, expect, it } from 'vitest';
import { atRest, eventually, fillInProfile, loginBoxShown, sentTo, useExampleWorld } from '../testing/example-world.js';
import type { Phone, ShareCard } from '../testing/phone.js';

const example = useExampleWorld();
const card = { invite: 'abc', from: 'Alice Wu' };

describe('login-page mode', () => {
  it('goes to the login page, then back to the shared page with its query, one page in the stack', async () => {
    const phone = example.phone({ loginMode: 'loginPage', profile: 'required' });
    phone.launch('pages/share/index', card, 1007);
    expect(phone.page().route).toBe('pages/login/index');
    expect(phone.runtime.getCurrentPages().map((page) => page.route)).toEqual(['pages/login/index']);

    const login = phone.page();
    await eventually(() => loginBoxShown(login), 'the login box shows on the login page');
    expect(sentTo(phone, '/me')).toHaveLength(0);
    await fillInProfile(phone, login, 'Bob');
    await login.tap('#login-box', '#submit');

    await eventually(() => phone.page().route === 'pages/share/index', 'back on the shared page');
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: card }]);
    const share = phone.page();
    await eventually(() => share.find('#accepted') !== undefined, 'the invitation accepted');
    expect(share.text()).toContain('Alice Wu invites you');
    expect(share.text()).toContain('Welcome, Bob! Invitation abc accepted.');
    expect(sentTo(phone, '/me', 'GET')).toHaveLength(1);
  });

  it('a returning user opens the shared page directly and the invitation is accepted at once', async () => {
    const first = example.phone({ loginMode: 'loginPage', profile: 'required' });
    first.launch('pages/index/index');
    await eventually(() => loginBoxShown(first.page()), 'the login box shows');
    await fillInProfile(first, first.page(), 'Carol');
    await first.page().tap('#login-box', '#submit');
    await eventually(() => first.page().route === 'pages/index/index' && first.page().text().includes('Hello, Carol'), 'home');
    const storage = first.runtime.sim.storage;
    first.close();

    const again = example.phone({ loginMode: 'loginPage', profile: 'required', storage });
    again.launch('pages/share/index', card);
    expect(again.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: card }]);
    await eventually(() => again.page().find('#accepted') !== undefined, 'the invitation accepted');
    expect(again.runtime.sim.logins).toHaveLength(0);
  });
});

describe('component mode', () => {
  it('keeps the shared page, shows the box there, and accepts the invitation after consent, once', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'required' });
    phone.launch('pages/share/index', card, 1007);
    const share = phone.page();
    expect(share.route).toBe('pages/share/index');
    await eventually(() => loginBoxShown(share), 'the login box shows on the shared page');
    expect(share.find('#pending')).toBeDefined();
    expect(sentTo(phone, '/me')).toHaveLength(0); // the invitation waits for the login

    await fillInProfile(phone, share, 'Bob');
    await share.tap('#login-box', '#submit');
    await eventually(() => share.find('#accepted') !== undefined, 'the invitation accepted');
    expect(loginBoxShown(share)).toBe(false);
    expect(sentTo(phone, '/me', 'GET')).toHaveLength(1);
    expect(phone.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: card }]);
  });

  it('a shared page left before the login never runs its invitation', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'required' });
    phone.launch('pages/share/index', card, 1007);
    await eventually(() => loginBoxShown(phone.page()), 'the login box shows');
    await new Promise<void>((done) => wx().reLaunch({ url: '/pages/index/index', complete: () => done() }));
    const home = phone.page();
    expect(home.route).toBe('pages/index/index');

    await eventually(() => loginBoxShown(home), 'the login box shows on the home page');
    await fillInProfile(phone, home, 'Eve');
    await home.tap('#login-box', '#submit');
    await eventually(() => home.text().includes('Hello, Eve'), 'greeted');
    await atRest(phone); // a stray invitation would have gone out by now
    expect(sentTo(phone, '/me')).toHaveLength(0);
  });
});

describe('the card the home page shares', () => {
  it('invites in the sender\'s name; a friend on another phone opens it and accepts, naming the sender', async () => {
    const nickname = 'Zoë & Li'; // a space, an accent and an ampersand: the query must be encoded
    const sender = example.phone({ loginMode: 'component', profile: 'required' });
    sender.launch('pages/index/index', {}, 1001);
    const home = sender.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');
    await fillInProfile(sender, home, nickname);
    await home.tap('#login-box', '#submit');
    await eventually(() => home.text().includes(`Hello, ${nickname}`), 'greeted');

    const card = home.share('#share');
    const invite = await serverUserId(sender);
    expect(card).toEqual({
      title: 'Join me on the miniauth example',
      path: `/pages/share/index?invite=${encodeURIComponent(invite)}&from=${encodeURIComponent(nickname)}`,
    });
    expect(card.path).toContain('from=Zo%C3%AB%20%26%20Li');
    sender.close();

    const friend = example.phone({ loginMode: 'component', profile: 'required' });
    const { route, query } = openedFrom(card);
    expect({ route, query }).toEqual({ route: 'pages/share/index', query: { invite, from: nickname } });
    friend.launch(route, query, 1007);
    const share = friend.page();
    expect(share.text()).toContain(`${nickname} invites you`);
    await eventually(() => loginBoxShown(share), 'the login box shows on the shared page');
    await fillInProfile(friend, share, 'Bob');
    await share.tap('#login-box', '#submit');
    await eventually(() => share.find('#accepted') !== undefined, 'the invitation accepted');
    expect(share.text()).toContain(`Welcome, Bob! Invitation ${invite} accepted.`);
    expect(await serverUserId(friend)).not.toBe(invite); // another WeChat user, not the sender again
    expect(friend.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: { invite, from: nickname } }]);
  });

  it('of a person without a nickname leaves `from` empty, and the friend is simply invited', async () => {
    const sender = example.phone({ loginMode: 'component', profile: 'none' });
    sender.launch('pages/index/index', {}, 1001);
    const home = sender.page();
    await eventually(() => home.text().includes('Hello, friend'), 'greeted without a name');

    const card = home.share('#share');
    const invite = await serverUserId(sender);
    expect(card).toEqual({
      title: 'Join me on the miniauth example',
      path: `/pages/share/index?invite=${encodeURIComponent(invite)}&from=`,
    });
    sender.close();

    const friend = example.phone({ loginMode: 'component', profile: 'none' });
    const { route, query } = openedFrom(card);
    friend.launch(route, query, 1007);
    const share = friend.page();
    await eventually(() => share.find('#accepted') !== undefined, 'the invitation accepted');
    expect(share.text()).toContain('You are invited');
    expect(share.text()).toContain(`Welcome! Invitation ${invite} accepted.`);
    expect(friend.runtime.getCurrentPages()).toEqual([{ route: 'pages/share/index', options: { invite, from: '' } }]);
  });
});

/** A card's path as WeChat opens it: the page without its leading slash, and the query decoded. */
function openedFrom(card: ShareCard): { route: string; query: Record<string, string> } {
  if (card.path === undefined) throw new Error('the card names no page');
  const url = new URL(card.path, 'https://servicewechat.com');
  return { route: url.pathname.slice(1), query: Object.fromEntries(url.searchParams) };
}

/** The id the server gave the phone's WeChat user (users are one per app and openid). */
async function serverUserId(phone: Phone): Promise<string> {
  const { openid } = await phone.runtime.sim.user();
  const { rows } = await example.world().db.query<{ id: string }>('SELECT id FROM users WHERE openid = $1', [openid]);
  if (rows.length !== 1) throw new Error(`the server knows ${rows.length} users with the phone's openid`);
  return rows[0]!.id;
}

/** The global `wx` the example runs on, as a page's own code would call it. */
function wx(): { reLaunch(option: { url: string; complete?: () => void }): void } {
  return (globalThis as unknown as { wx: ReturnType<typeof wx> }).wx;
}
