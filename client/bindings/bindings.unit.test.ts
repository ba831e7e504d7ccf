import { describe, expect, it } from 'vitest';
import { createMiniAuth } from '../index.js';
import type { AuthView } from '../index.js';
import { flush, memoryPlatform } from '../testing/memory-platform.js';
import { authBehavior } from './behavior.js';

function world() {
  const fake = memoryPlatform({ profile: { nickname: null, avatarUrl: null } });
  const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform, profile: 'required' });
  return { ...fake, auth };
}

/** Stands in for a component instance as WeChat builds it from a Behavior definition. */
function mount(definition: ReturnType<typeof authBehavior>) {
  const host = {
    data: structuredClone(definition.data) as { auth: AuthView },
    updates: 0,
    setData(patch: Record<string, unknown>) {
      this.updates += 1;
      Object.assign(this.data, patch);
    },
    ...definition.methods,
  };
  definition.lifetimes.attached.call(host);
  return host;
}

describe('native Behavior', () => {
  it('keeps data.auth in step with the machine, and its handlers drive it', async () => {
    const { auth, apiCalls } = world();
    const page = mount(authBehavior(() => auth));
    expect(page.data.auth.state).toBe('idle');
    auth.start({ path: 'pages/index/index' });
    await flush();
    expect(page.data.auth).toMatchObject({ needsConsent: true, signedIn: false, busy: false });

    page.onAuthUserInfo({ detail: { errMsg: 'getUserInfo:fail auth deny' } });
    expect(page.data.auth).toMatchObject({ state: 'session.consentDenied', error: { reason: 'denied' } });
    page.onAuthConsent({ detail: { nickname: 'Bob', avatarUrl: 'wxfile://a.png' } });
    expect(page.data.auth.busy).toBe(true);
    await flush();
    expect(page.data.auth).toMatchObject({ signedIn: true, user: { nickname: 'Bob' } });
    expect(JSON.stringify(page.data)).not.toContain('t1'); // no token in page data
    expect(apiCalls('/me/profile')).toHaveLength(1);
  });

  it('skips no-op updates and stops following once detached', async () => {
    const { auth } = world();
    const definition = authBehavior(auth);
    const page = mount(definition);
    const before = page.updates;
    auth.request({ url: '/orders' }).catch(() => {}); // changes the queue, not the view
    expect(page.updates).toBe(before);
    definition.lifetimes.detached.call(page);
    auth.start({ path: 'pages/index/index' });
    await flush();
    expect(page.data.auth.state).toBe('idle');
  });
});
