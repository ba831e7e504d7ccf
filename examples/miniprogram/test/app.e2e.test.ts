// app.js: one login actor created at launch, re-checked when the app comes back to the
// foreground, and in development the simulator's login codes in place of the devtools' own.

import { describe, expect, it } from 'vitest';
import { eventually, loginBoxShown, sentTo, useExampleWorld } from '../testing/example-world.js';

const WEEK_MS = 7 * 86_400_000; // the server's default token lifetime

describe('back from the background', () => {
  // A server clock a week minus 30 s behind: its tokens expire 30 s from now, inside the SDK's
  // safety margin, so the phone's clock counts them expired the next time the app is shown.
  const example = useExampleWorld({ serverClock: () => Date.now() - WEEK_MS + 30_000 });

  it('a token expired by the clock is replaced silently when the app is shown again', async () => {
    const phone = example.phone({ loginMode: 'component', profile: 'none' });
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => home.find('#greeting') !== undefined, 'greeted');
    expect(phone.runtime.sim.logins).toHaveLength(1);

    phone.hide();
    phone.show();
    await eventually(() => sentTo(phone, '/wx/login', 'POST').length === 2, 'a second silent login');
    await eventually(() => home.find('#greeting') !== undefined, 'greeted again');
    expect(phone.runtime.sim.logins).toHaveLength(2);
    expect(phone.runtime.sim.toasts).toEqual([]);
  });
});

describe('development mode (config.simulatorUrl set)', () => {
  const example = useExampleWorld();

  it('signs in with codes and profile payloads from the simulator, not from the phone\'s own WeChat', async () => {
    const world = example.world();
    const phone = example.phone({
      loginMode: 'component', profile: 'required', baseLibrary: 'legacy', simulatorUrl: world.simulatorUrl,
    });
    phone.launch('pages/index/index');
    const home = phone.page();
    await eventually(() => loginBoxShown(home), 'the login box shows');
    await home.tap('#login-box', '#legacy-profile');
    await eventually(() => home.find('#greeting') !== undefined, 'greeted');

    expect(phone.runtime.sim.logins).toHaveLength(0);
    expect(phone.profileDialogs).toBe(1); // the person still answered WeChat's dialog
    expect(sentTo(phone, '/__sim/login', 'POST')).toHaveLength(1);
    expect(sentTo(phone, '/__sim/user-info', 'POST')).toHaveLength(1);
    expect(sentTo(phone, '/me/profile/wechat', 'POST')).toHaveLength(1);
    expect(home.text()).toMatch(/Hello, \S+/);
  });
});
