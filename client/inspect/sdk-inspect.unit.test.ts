// The SDK's `inspect` option takes a masked inspector only: whatever inspector a developer
// wraps (a plain function or an observer such as the Stately inspector's), it never sees a token
// or a code, and an unwrapped one is refused before anything runs.

import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createMiniAuth, maskingInspector } from '../index.js';
import type { MaskedInspector } from './masked.js';
import { flush, memoryPlatform } from '../testing/memory-platform.js';

async function signInWatchedBy(inspect: MaskedInspector) {
  const fake = memoryPlatform();
  const auth = createMiniAuth({ baseURL: 'https://api.test', platform: fake.platform, inspect });
  auth.start({ path: 'pages/index/index' });
  await flush();
  await expect(auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true });
  return { auth, fake };
}

function eventNamed(events: InspectionEvent[], type: string): Record<string, unknown> | undefined {
  const found = events.find((e) => e.type === '@xstate.event' && e.event.type === type);
  return found?.type === '@xstate.event' ? (found.event as Record<string, unknown>) : undefined;
}

describe('createMiniAuth({ inspect })', () => {
  it('hands a wrapped inspect function masked codes, tokens and snapshots', async () => {
    const events: InspectionEvent[] = [];
    const { auth, fake } = await signInWatchedBy(maskingInspector((event) => events.push(event)));

    expect(auth.getToken()).toBe('t1'); // the SDK itself keeps the real token
    expect(eventNamed(events, 'xstate.done.actor.wxLogin')).toMatchObject({ output: { code: '[masked code #1]' } });
    expect(eventNamed(events, 'xstate.done.actor.exchangeCode')).toMatchObject({ output: { token: '[masked token #1]' } });
    // Read late, as the Stately inspector does: the root actor's view still masks its live snapshot.
    const root = events.find((e) => e.actorRef.sessionId === e.rootId)!.actorRef;
    expect(root.getSnapshot().context.token).toBe('[masked token #1]');
    const seen = JSON.stringify(events.map((e) => (e.type === '@xstate.snapshot' ? e.snapshot : e.type === '@xstate.event' ? e.event : null)));
    expect(seen).not.toContain('"t1"');
    expect(seen).not.toContain(fake.codes[0]!);
    auth.stop();
  });

  it('masks for an observer too, as the Stately inspector passes one', async () => {
    const events: InspectionEvent[] = [];
    const { auth } = await signInWatchedBy(maskingInspector({ next: (event) => events.push(event) }));
    const snapshots = events.filter((e) => e.type === '@xstate.snapshot');
    expect(snapshots.length).toBeGreaterThan(0);
    expect(JSON.stringify(snapshots.map((e) => e.snapshot))).toContain('[masked token #1]');
    expect(JSON.stringify(snapshots.map((e) => e.snapshot))).not.toContain('"t1"');
    auth.stop();
  });

  it('refuses an inspector that is not wrapped, before it could see anything', () => {
    const events: InspectionEvent[] = [];
    const raw = ((event: InspectionEvent) => events.push(event)) as unknown as MaskedInspector;
    expect(() => createMiniAuth({ baseURL: 'https://api.test', platform: memoryPlatform().platform, inspect: raw })).toThrow(/maskingInspector/);
    expect(events).toEqual([]);
  });
});
