// miniauth mounted inside someone else's fastify app, as docs/embedding.md shows it: under a
// prefix, with the host's logger, its own database opened from the config and closed with the
// app, and the failed-login follower running as under `miniauth serve`.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient, createSimulator, type DeviceClient, type Simulator } from '../simulator/index.js';
import { eventually } from '../testing/eventually.js';
import { openThrowawayPg, TEST_DATABASE_URL, type TestDatabase } from '../testing/databases.js';
import { defineConfig, miniauth, postgres } from './index.js';
import { createLogger } from './log.js';

/** The host: an app of its own, with its own logger and routes. */
function hostApp(log: string[]) {
  const stream = new Writable({ write: (chunk, _encoding, done) => void (log.push(String(chunk)), done()) });
  const app = Fastify({ loggerInstance: createLogger({ level: 'debug' }, stream) });
  app.get('/hello', async () => ({ hello: 'world' }));
  return app;
}

const APP = { appId: 'wx00000000000000e1', secret: 'embed-test-secret-0123456789abcdef' };

describe('miniauth mounted in an existing fastify app', () => {
  let sim: Simulator;
  let device: DeviceClient;
  let schemaOwner: TestDatabase;
  let host: ReturnType<typeof hostApp>;
  const hostLog: string[] = [];

  beforeAll(async () => {
    sim = createSimulator({ apps: [APP] });
    const simBase = await sim.listen();
    device = createDeviceClient(simBase);
    // An empty schema for the plugin to migrate itself, reached through the URL's search_path.
    schemaOwner = await openThrowawayPg({ migrate: false, poolSize: 1 });
    const url = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schemaOwner.schema}`)}`;
    host = hostApp(hostLog);
    await host.register(miniauth, {
      prefix: '/auth',
      catchUpIntervalMs: 50,
      config: defineConfig({
        env: 'test',
        database: postgres(url),
        wechat: { apps: [APP], apiBase: simBase, timeoutMs: 2_000 },
        jwt: { secret: 'embed-test-jwt-secret-0123456789abcdefghij' },
        rateLimit: { loginPerMinute: 0, loginPerOpenidPerMinute: 0 },
      }),
    });
    await host.ready();
  });
  afterAll(async () => {
    await host?.close();
    await sim?.close();
    await schemaOwner?.close();
  });

  it('logs in under the prefix, beside the host routes, with the host logger', async () => {
    const { openid } = await device.createUser();
    const login = await host.inject({ method: 'POST', url: '/auth/wx/login', payload: { code: await device.login(openid) } });
    expect(login.statusCode).toBe(200);
    const token = login.json<{ token: string }>().token;
    const me = await host.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ code: 1, user: { hasProfile: false } });
    expect((await host.inject({ method: 'GET', url: '/hello' })).json()).toEqual({ hello: 'world' });
    expect(hostLog.some((line) => line.includes('"logged in"'))).toBe(true);
  });

  it('answers its own failures with the error body, and leaves the host its own', async () => {
    const refused = await host.inject({ method: 'GET', url: '/auth/me' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: -1, error: 'TOKEN_MISSING' });
    expect((await host.inject({ method: 'GET', url: '/nowhere' })).json()).not.toHaveProperty('code');
  });

  it('documents its routes under the prefix', async () => {
    const document = (await host.inject({ method: 'GET', url: '/auth/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/auth/wx/login', '/auth/me']));
    expect(Object.keys(document.paths)).not.toContain('/hello');
  });

  it('projects failed logins into login_failures, as `miniauth serve` does', async () => {
    const refused = await host.inject({ method: 'POST', url: '/auth/wx/login', payload: { code: 'not-a-code-wechat-gave' } });
    expect(refused.json()).toMatchObject({ error: 'WECHAT_CODE_INVALID' });
    await eventually(async () => {
      const { rows } = await schemaOwner.query<{ n: string }>('SELECT count(*) AS n FROM login_failures');
      expect(Number(rows[0]?.n)).toBe(1);
    });
  });
});
