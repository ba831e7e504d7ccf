// Issue 10, the client SDK under random failures: the SDK in the simulator's `wx` runtime,
// talking through a proxy that answers 5xx or drops connections, with the phone's network
// going offline or timing out, WeChat failing, and tokens revoked under it. fast-check draws
// the schedules. Every request settles exactly once, each is sent at most twice (once more
// after a re-login), one wx.login serves a whole expiry burst, and nothing loops.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMiniAuth, isMiniAuthError, wxPlatform, type HttpResponse, type MiniAuth } from '../client/index.js';
import { atRest } from '../client/testing/at-rest.js';
import { PAGES, startWorld, type World } from '../client/testing/e2e-world.js';
import { SIMULATOR_APP } from '../server/config.js';
import { createWxRuntime, WxStorage, type FaultSpec, type WxRuntime } from '../simulator/index.js';
import { startChaosProxy, type ChaosProxy, type ProxyAction } from './testing/chaos-proxy.js';
import { LeakWatch } from './testing/leak-watch.js';
import { mulberry32 } from '../testing/prng.js';

const RELOGIN_CAP = 2;
const MAX_RETRIES = 2;
const REQUEST_TIMEOUT_MS = 400;
/**
 * Far above the worst legitimate path, which the timeouts bound whatever the load: a request
 * (400 ms), two re-login runs of three attempts (a 400 ms exchange and 20 ms backoff each) and
 * a replay come to about 3.5 s; 8 s leaves as much again for a stalled event loop.
 */
const SETTLE_BOUND_MS = 8_000;

interface Phone {
  auth: MiniAuth;
  runtime: WxRuntime;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  id: string;
  settled: number;
  kind: 'resolved' | 'rejected' | 'pending';
  response?: HttpResponse;
  error?: unknown;
}

describe('the client SDK under random network failures and server errors', () => {
  let world: World;
  let proxy: ChaosProxy;
  const phones: Phone[] = [];
  const watch = new LeakWatch();
  let runs = 0;

  beforeAll(async () => {
    world = await startWorld();
    proxy = await startChaosProxy(world.apiUrl, watch);
  });
  afterAll(async () => {
    for (const phone of phones) phone.auth.stop();
    await proxy?.close();
    await world?.close();
  });

  /** A phone on the proxy; `patient` waits as long as a real one (for runs where nothing fails). */
  function newPhone(patient = false): Phone {
    const runtime = createWxRuntime({
      simulatorUrl: world.simulatorUrl, appId: SIMULATOR_APP.appId, storage: new WxStorage(), pages: PAGES, networkTimeout: patient ? 10_000 : 300,
    });
    const auth = createMiniAuth({
      baseURL: proxy.url,
      platform: wxPlatform(runtime.wx),
      timeout: patient ? 10_000 : REQUEST_TIMEOUT_MS,
      reloginCap: RELOGIN_CAP,
      retry: { maxRetries: MAX_RETRIES, backoffMs: 20, rateLimitWaitMs: 60_000 },
    });
    const phone = { auth, runtime };
    phones.push(phone);
    return phone;
  }

  async function signIn(phone: Phone): Promise<void> {
    phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index' }));
    const deadline = Date.now() + SETTLE_BOUND_MS;
    while (phone.auth.getView().busy || phone.auth.getSnapshot().matches('booting')) {
      if (Date.now() > deadline) throw new Error('the first login never ended');
      await sleep(5);
    }
  }

  /**
   * "Logout everywhere" from elsewhere: the phone's token is refused from its next request.
   * False when the token was already refused (revoked earlier, the phone not yet told).
   */
  async function revoke(token: string): Promise<boolean> {
    const answer = await fetch(`${world.apiUrl}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect([200, 401]).toContain(answer.status);
    return answer.status === 200;
  }

  /** Sends a request and watches it settle; `settled` counts every callback the promise ran. */
  function watched(phone: Phone, id: string, outcomes: Outcome[]): Promise<void> {
    const outcome: Outcome = { id, settled: 0, kind: 'pending' };
    outcomes.push(outcome);
    return phone.auth.request({ url: `/me?req=${id}` }).then(
      (response) => {
        outcome.settled += 1;
        outcome.kind = 'resolved';
        outcome.response = response;
      },
      (error: unknown) => {
        outcome.settled += 1;
        outcome.kind = 'rejected';
        outcome.error = error;
      },
    );
  }

  /** Waits for every outcome, failing the run if one is still pending after the bound. */
  async function allSettled(pending: Promise<void>[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), SETTLE_BOUND_MS);
    });
    const result = await Promise.race([Promise.all(pending), bound]);
    clearTimeout(timer);
    expect(result, `a request did not settle within ${SETTLE_BOUND_MS} ms`).not.toBe('late');
  }

  const arrivals = (id: string) => proxy.seen.filter((request) => request.url.endsWith(`req=${id}`));

  it('spends one wx.login per expiry burst, however the burst is spread, and replays each request once', async () => {
    proxy.setDecide(() => ({ kind: 'pass' }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        async (bursts) => {
          const run = ++runs;
          const phone = newPhone(true);
          await signIn(phone);
          expect(phone.auth.getView().signedIn).toBe(true);
          for (const [b, delays] of bursts.entries()) {
            const revoked = phone.auth.getToken()!;
            const loginsBefore = phone.runtime.sim.logins.length;
            expect(await revoke(revoked)).toBe(true);
            const outcomes: Outcome[] = [];
            // The requests of one burst start at staggered moments, some while the re-login runs.
            await allSettled(delays.map(async (delay, i) => {
              await sleep(delay);
              await watched(phone, `${run}-${b}-${i}`, outcomes);
            }));
            expect(phone.runtime.sim.logins.length - loginsBefore).toBe(1);
            const renewed = phone.auth.getToken();
            expect(renewed).not.toBe(revoked);
            for (const outcome of outcomes) {
              expect(outcome).toMatchObject({ settled: 1, kind: 'resolved', response: { status: 200 } });
              const sent = arrivals(outcome.id).map((request) => request.authorization);
              // At most one replay: refused with the old token, then sent with the new one.
              expect([[`Bearer ${renewed}`], [`Bearer ${revoked}`, `Bearer ${renewed}`]]).toContainEqual(sent);
            }
          }
          phone.auth.stop();
        },
      ),
      // Each run is real I/O: report the first counterexample instead of shrinking for minutes.
      { numRuns: 10, endOnFailure: true },
    );
  }, 120_000);

  const burstArbitrary = fc.record({
    size: fc.integer({ min: 1, max: 6 }),
    revoke: fc.boolean(),
    network: fc.constantFrom('online', 'online', 'offline', 'timeout', 'flap'),
    wechat: fc.constantFrom<Omit<FaultSpec, 'api'> & { api: FaultSpec['api'] } | null>(
      null,
      null,
      { api: 'jscode2session', errcode: -1 },
      { api: 'jscode2session', errcode: 40163 },
      { api: 'jscode2session', drop: true },
      { api: 'jscode2session', status: 502 },
      { api: 'login', errcode: -1 },
    ),
  });

  it('settles every request exactly once and never loops, whatever fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer(),
          failPercent: fc.integer({ min: 0, max: 60 }),
          kinds: fc.subarray(['500', '502', '503', 'drop'] as const, { minLength: 1 }),
          bursts: fc.array(burstArbitrary, { minLength: 1, maxLength: 4 }),
        }),
        async ({ seed, failPercent, kinds, bursts }) => {
          const run = ++runs;
          const random = mulberry32(seed);
          proxy.setDecide((): ProxyAction => {
            if (random() * 100 >= failPercent) return { kind: 'pass' };
            const kind = kinds[Math.floor(random() * kinds.length)]!;
            if (kind === 'drop') return { kind: 'drop' };
            return { kind: 'answer', status: Number(kind), body: `<html>${kind} from the load balancer</html>` };
          });
          const phone = newPhone();
          await signIn(phone);
          const outcomes: Outcome[] = [];
          let revocations = 0;
          try {
            for (const [b, burst] of bursts.entries()) {
              const token = phone.auth.getToken();
              if (burst.revoke && token && (await revoke(token))) revocations += 1;
              if (burst.wechat) await world.device.fault({ times: 2, ...burst.wechat });
              phone.runtime.sim.setNetwork(burst.network === 'flap' ? 'offline' : burst.network);
              const back = burst.network === 'flap' ? setTimeout(() => phone.runtime.sim.setNetwork('online'), 60) : undefined;
              await allSettled(Array.from({ length: burst.size }, (_, i) => watched(phone, `${run}-${b}-${i}`, outcomes)));
              clearTimeout(back);
              phone.runtime.sim.setNetwork('online');
              await world.device.clearFaults();
            }
          } finally {
            phone.runtime.sim.setNetwork('online');
            await world.device.clearFaults();
            proxy.setDecide(() => ({ kind: 'pass' }));
          }

          for (const outcome of outcomes) {
            expect(outcome.settled, outcome.id).toBe(1);
            // A server's error answer resolves (ok: false); only a failure without one rejects, typed.
            if (outcome.kind === 'rejected') expect(isMiniAuthError(outcome.error), String(outcome.error)).toBe(true);
            expect(arrivals(outcome.id).length, `times ${outcome.id} was sent`).toBeLessThanOrEqual(2);
          }

          // No loop: the phone comes to rest (nothing in flight, no actor, no timer), so nothing
          // more can go out. A loop never rests. Cooling down after WeChat's quota holds a timer
          // for one more attempt a minute later, by design.
          await atRest(phone, { timers: ['login.failed.coolingDown'], timeoutMs: SETTLE_BOUND_MS });
          // Every login run is at most 1 + MAX_RETRIES wx.login calls; runs are the first login,
          // one per revocation, and the re-logins a rejected burst may start (capped).
          const runsAllowed = 1 + revocations + bursts.length * RELOGIN_CAP;
          expect(phone.runtime.sim.logins.length).toBeLessThanOrEqual(runsAllowed * (1 + MAX_RETRIES));
          phone.auth.stop();
        },
      ),
      { numRuns: 15, endOnFailure: true },
    );
  }, 120_000);

  it('lets no session_key or app secret reach an answer or an event (this server logs nothing)', async () => {
    watch.secret(SIMULATOR_APP.secret, 'the app secret');
    for (const user of world.simulator.state.users()) watch.secret(user.sessionKey, `session_key of ${user.openid}`);
    expect(watch.secretCount()).toBeGreaterThan(20);
    await watch.events(world.db);
    expect(watch.leaks()).toEqual([]);
  });
});
