// The chart builds, and a machine made from it starts: imported inside the test, so that a chart
// xstate refuses (a missing initial state, a target that names no state, a state without its
// children) fails a test here rather than only the loading of the files that import it.

import { describe, expect, it } from 'vitest';

describe('the login chart', () => {
  it('builds, starts idle, and names every state the docs and the model use', async () => {
    const { createActor } = await import('xstate');
    const { loginMachine } = await import('../machines/login-machine.js');
    const actor = createActor(loginMachine, { input: {} }).start();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(loginMachine.id).toBe('login');
    for (const id of [
      'login.booting', 'login.authenticating.obtainingCode', 'login.session.routing', 'login.session.signedIn',
      'login.session.privacy.checking', 'login.session.boxPrivacy.needed', 'login.session.submittingConsent.sending',
      'login.reauthenticating.exchanging', 'login.failed.judging', 'login.signedOut',
    ]) expect(loginMachine.getStateNodeById(id).id, id).toBe(id);
    actor.stop();
  });
});
