// The masking inspector on the SDK's own `inspect` option, in a real session: the SDK in the
// simulator's wx runtime, the miniauth server over HTTP, PostgreSQL. The secrets are the real
// ones that session produced: the JWT, the wx.login codes, WeChat's encrypted profile payload
// and the phone-number code.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { World } from '../testing/e2e-world.js';
import { eventually, startWorld } from '../testing/e2e-world.js';
import { maskingInspector } from './masking-inspector.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

/** Every string reachable from what the inspector got, read late, with actor snapshots included. */
function reachableText(events: readonly InspectionEvent[]): string {
  const strings: string[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) visit((value as Record<PropertyKey, unknown>)[key]);
    const ref = value as Partial<AnyActorRef>;
    if (typeof ref.getSnapshot === 'function' && typeof ref.sessionId === 'string') {
      visit(ref.getSnapshot());
      visit(JSON.parse(JSON.stringify(ref.getSnapshot())));
    }
  };
  for (const event of events) visit(event);
  return strings.join('\n');
}

it('a whole session watched through miniauth\'s inspect option shows no token, code or payload', async () => {
  const events: InspectionEvent[] = [];
  const phone = world.phone({ profile: 'required', inspect: maskingInspector((event) => events.push(event)) });
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index', query: {}, scene: 1001 }));
  await eventually(() => phone.auth.getView().needsConsent, 'login box shown');

  const profile = await new Promise<Parameters<typeof phone.auth.consentWithWeChat>[0]>((resolve, reject) => {
    phone.runtime.wx.getUserProfile({ desc: 'Show your name to friends', success: resolve, fail: reject });
  });
  phone.auth.consentWithWeChat(profile);
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
  const { detail: phoneButton } = await phone.runtime.sim.tapGetPhoneNumber();
  phone.auth.bindPhone(phoneButton);
  await eventually(() => phone.auth.getSnapshot().context.user?.phone != null, 'phone bound');
  await expect(phone.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true });

  const secrets = [
    phone.auth.getToken()!,
    ...phone.runtime.sim.logins.map((login) => login.code!),
    profile.encryptedData!, profile.iv!, profile.signature!, profile.rawData!,
    phoneButton.code!,
  ];
  expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 8)).toBe(true);
  const seen = reachableText(events);
  for (const secret of secrets) expect(seen, `leaked: ${secret}`).not.toContain(secret);
  expect(seen).toContain('[masked token #1]');
  const grant = events.find((e) => e.type === '@xstate.event' && e.event.type === 'xstate.done.actor.exchangeCode');
  expect(grant).toMatchObject({ event: { output: { token: '[masked token #1]', user: { phone: null } } } });
});
