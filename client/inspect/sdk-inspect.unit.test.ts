// The SDK's `inspect` option masks on its own: whatever inspector a developer passes (a plain
// function or an observer such as the Stately inspector's), it never sees a token or a code.

import { describe, expect, it } from 'vitest';
import type { InspectionEvent, Observer } from 'xstate';
import { createMiniAuth } from '../index.js';
import { flush, memoryPlatform } from '../testing/memory-platform.js';

type Inspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

async function signInWatchedBy(inspect: Inspect) {
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
  it('hands an unwrapped inspect function masked codes, tokens and snapshots', async () => {
    const events: InspectionEvent[] = [];
    const { auth, fake } = await signInWatchedBy((event) => events.push(event));

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
    const { auth } = await signInWatchedBy({ next: (event) => events.push(event) });
    const snapshots = events.filter((e) => e.type === '@xstate.snapshot');
    expect(snapshots.length).toBeGreaterThan(0);
    expect(JSON.stringify(snapshots.map((e) => e.snapshot))).toContain('[masked token #1]');
    expect(JSON.stringify(snapshots.map((e) => e.snapshot))).not.toContain('"t1"');
    auth.stop();
  });
});
