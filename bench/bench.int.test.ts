// Smoke test of the bench: each figure's function, run for a fraction of a second against the
// real PostgreSQL, the simulator and a forked server, returns sane positive numbers. No timing
// is asserted: speed is what `npm run bench` reports, not what a test on a shared box can judge.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchAuthRoute } from './auth-route.js';
import { benchMeRoute } from './me-route.js';
import { benchBundle } from './bundle.js';
import { openHttpWorld, type HttpWorld } from './http-world.js';
import { benchLogin, benchLoginLatency } from './login.js';
import { measureLoginSteps } from './login-steps.js';
import { formatTable } from './report.js';
import type { PairedRounds } from './stats.js';
import { benchStore } from './store.js';
import { benchTransitions } from './transitions.js';

const databaseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function expectSanePair(result: PairedRounds): void {
  expect(result.measured.median).toBeGreaterThan(0);
  expect(result.baseline.median).toBeGreaterThan(0);
  expect(result.ratio).toBeGreaterThan(0);
  expect(Number.isFinite(result.ratio)).toBe(true);
  expect(result.measured.samples.length).toBe(result.baseline.samples.length);
}

describe('bench over HTTP (server and load in their own processes)', () => {
  let world: HttpWorld;
  beforeAll(async () => {
    world = await openHttpWorld({ databaseUrl });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('measures the authenticated route beside the same route without the hook', async () => {
    const result = await benchAuthRoute(world, { seconds: 0.3, rounds: 1, users: 3 });
    expectSanePair(result);
    expect(result.cpuMicros.measured).toBeGreaterThan(0);
    expect(result.cpuMicros.baseline).toBeGreaterThan(0);
  });

  it('measures GET /me beside the plain fastify + jsonwebtoken + pg stack, on the same users and tokens', async () => {
    const result = await benchMeRoute(world, { seconds: 0.3, rounds: 1, users: 3 });
    expectSanePair(result);
    expect(result.cpuMicros.measured).toBeGreaterThan(0);
    expect(result.cpuMicros.baseline).toBeGreaterThan(0);
  });

  it('measures logins end to end beside the raw transaction', async () => {
    expectSanePair(await benchLogin(world, { databaseUrl, seconds: 0.3, rounds: 1, warmUpLogins: 20 }));
  });

  it('measures login latency at a fixed rate', async () => {
    const latency = await benchLoginLatency(world, { perSecond: 40, seconds: 0.5 });
    expect(latency.logins).toBe(20);
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
    expect(latency.max).toBeGreaterThanOrEqual(latency.p99);
  });
});

describe('bench in this process', () => {
  it('measures store appends beside raw inserts', async () => {
    expectSanePair(await benchStore({ databaseUrl, seconds: 0.6 }));
  });

  it('costs out the login\'s database steps, in this process and in the local PostgreSQL', async () => {
    const steps = await measureLoginSteps(databaseUrl, 40);
    expect(steps.map((step) => step.step)).toEqual([
      'login: claim + snapshot + write',
      'claim the code',
      'read a snapshot',
      'raw transaction (baseline)',
      'SELECT 1',
      'one-row INSERT, committed',
    ]);
    for (const step of steps) {
      expect(step.perSecond).toBeGreaterThan(0);
      expect(step.nodeMicros).toBeGreaterThan(0);
      // PostgreSQL runs on this machine here, so its CPU is visible (and never negative).
      expect(step.postgresMicros).toBeGreaterThanOrEqual(0);
    }
  });

  it('sizes the mini program bundle beside xstate alone', async () => {
    const bundle = await benchBundle();
    expect(bundle.xstateGzipBytes).toBeGreaterThan(1024);
    expect(bundle.bundleGzipBytes).toBeGreaterThan(bundle.xstateGzipBytes);
    expect(bundle.bundleBytes).toBeGreaterThan(bundle.bundleGzipBytes);
    expect(bundle.bindings.map((binding) => binding.entry)).toEqual(['miniauth/vue', 'miniauth/react', 'miniauth/uni', 'miniauth/taro']);
  });

  it('counts machine transitions in the client', async () => {
    const result = await benchTransitions(0.2);
    expect(result.cyclesPerSecond).toBeGreaterThan(0);
    // A logout-and-login cycle passes through several states.
    expect(result.perSecond).toBeGreaterThan(result.cyclesPerSecond * 2);
  });

  it('prints a figure that missed its target as MISSED', () => {
    const table = formatTable([
      { name: 'a', value: 50, unit: '/s', baselineName: 'b', baseline: 100, ratio: 0.5, target: '>= 0.85', met: false },
      { name: 'c', value: Number.NaN, unit: 'n/a' },
    ]);
    expect(table).toMatch(/a .*\| 0\.50 .*>= 0\.85 MISSED/);
    expect(table).toMatch(/\| c .*\| n\/a/);
  });
});
