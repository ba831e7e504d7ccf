// Login rate limits: per client address, per openid after the exchange, shared through Redis.
import { randomInt } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// Redis counters outlive a test run: every run limits its own addresses.
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

function expectLimited(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(429);
  const wait = Number(response.headers['retry-after']);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(60);
  expect(response.json()).toEqual({ code: 0, error: 'RATE_LIMITED', message: expect.any(String), retryable: true, retryAfterSeconds: wait });
}

describe('login rate limits', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(pgTarget, { env: { LOGIN_RATE_LIMIT: '3', LOGIN_RATE_LIMIT_PER_OPENID: '2' } });
  });
  afterAll(() => h.close());

  const attempt = (remoteAddress: string, payload: object = {}, app?: FastifyInstance) =>
    h.inject({ method: 'POST', url: '/wx/login', payload, remoteAddress }, app);

  it('limits logins per client address, leaving other addresses alone', async () => {
    const address = randomAddress();
    for (let i = 0; i < 3; i++) expect((await attempt(address)).statusCode).toBe(400);
    expectLimited(await attempt(address));
    expect((await attempt(randomAddress())).statusCode).toBe(400);
    // Other routes are not limited.
    expect((await h.inject({ method: 'GET', url: '/healthz', remoteAddress: address })).statusCode).toBe(200);
  });

  it('limits logins per openid once the code is exchanged, writing nothing for the refused one', async () => {
    const { openid } = await h.device.createUser();
    for (let i = 0; i < 2; i++) {
      expect((await attempt(randomAddress(), { code: await h.device.login(openid) })).statusCode).toBe(200);
    }
    const events = await h.countEvents();
    expectLimited(await attempt(randomAddress(), { code: await h.device.login(openid) }));
    expect(await h.countEvents()).toBe(events);
    const other = await h.newUser();
    expect((await attempt(randomAddress(), { code: other.code })).statusCode).toBe(200);
  });

  it('turns the address limit off with LOGIN_RATE_LIMIT=0', async () => {
    const unlimited = await h.another({ LOGIN_RATE_LIMIT: '0' });
    const address = randomAddress();
    for (let i = 0; i < 8; i++) expect((await attempt(address, {}, unlimited)).statusCode).toBe(400);
  });

  it('behind a trusted proxy (TRUST_PROXY), counts each phone by its forwarded address', async () => {
    const proxy = randomAddress();
    const proxied = await h.another({ TRUST_PROXY: proxy, LOGIN_RATE_LIMIT: '2' });
    const [phoneA, phoneB] = [randomAddress(), randomAddress()];
    const via = (phone: string) =>
      h.inject({ method: 'POST', url: '/wx/login', payload: {}, remoteAddress: proxy, headers: { 'x-forwarded-for': phone } }, proxied);
    for (let i = 0; i < 2; i++) expect((await via(phoneA)).statusCode).toBe(400);
    expectLimited(await via(phoneA));
    expect((await via(phoneB)).statusCode).toBe(400);
  });

  it('shares the counters between processes through Redis', async () => {
    const env = { REDIS_URL, LOGIN_RATE_LIMIT: '2' };
    const [a, b] = [await h.another(env), await h.another(env)];
    const address = randomAddress();
    expect((await attempt(address, {}, a)).statusCode).toBe(400);
    expect((await attempt(address, {}, b)).statusCode).toBe(400);
    expectLimited(await attempt(address, {}, a));
  });
});
