// Machine transitions per second in the client: createMiniAuth (the login actor, its
// persistence and subscriptions, as a page runs it) over a platform whose wx.login and HTTP
// answer at once, so the figure is the SDK's and XState's own cost, not a network's.
// One cycle: logout → signedOut, login → authenticating (wx.login, POST /wx/login) → signedIn.

import { createMiniAuth } from '../client/index.js';
import { memoryStorage } from '../client/platform/memory-storage.js';
import type { HttpResponse, Platform } from '../client/ports.js';

export interface TransitionsResult {
  /** Snapshots the actor emitted per second (each is one macrostep: a transition taken). */
  perSecond: number;
  /** Whole logout-and-login cycles per second. */
  cyclesPerSecond: number;
}

const DAY_MS = 86_400_000;

function instantPlatform(): Platform {
  let issued = 0;
  const grant = (): HttpResponse => {
    issued += 1;
    return {
      ok: true,
      status: 200,
      header: {},
      data: {
        code: 1,
        message: 'ok',
        token: `t${issued}`,
        expiresAt: new Date(Date.now() + DAY_MS).toISOString(),
        isNew: false,
        user: { id: 'u1', nickname: 'Alice', avatarUrl: 'https://a/1.png', hasProfile: true, phone: null, createdAt: new Date(0).toISOString() },
      },
    };
  };
  return {
    storage: memoryStorage(),
    login: { login: async () => ({ code: `code-${issued + 1}` }) },
    request: { send: async () => grant() },
    navigator: { redirectTo: async () => undefined, reLaunch: async () => undefined },
    feedback: { toast: () => undefined, showLoading: () => undefined, hideLoading: () => undefined },
  };
}

export async function benchTransitions(seconds: number): Promise<TransitionsResult> {
  const auth = createMiniAuth({ baseURL: 'https://api.bench.test/', platform: instantPlatform() });
  let snapshots = 0;
  const stop = auth.subscribe(() => {
    snapshots += 1;
  });
  const signedIn = () => new Promise<void>((resolve) => auth.whenSignedIn(resolve));
  try {
    auth.start({ path: 'pages/index/index' });
    await signedIn();
    const cycle = async () => {
      auth.logout();
      const done = signedIn();
      auth.login();
      await done;
    };
    for (let i = 0; i < 200; i++) await cycle(); // warm the JIT

    snapshots = 0;
    let cycles = 0;
    const start = performance.now();
    const until = start + seconds * 1000;
    while (performance.now() < until) {
      await cycle();
      cycles += 1;
    }
    const elapsed = (performance.now() - start) / 1000;
    if (!auth.getView().signedIn) throw new Error('the login machine did not end signed in');
    return { perSecond: snapshots / elapsed, cyclesPerSecond: cycles / elapsed };
  } finally {
    stop();
    auth.stop();
  }
}
