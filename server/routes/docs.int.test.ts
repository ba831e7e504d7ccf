// The OpenAPI document and docs page, and the health probes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/open-database.js';
import { pgTarget, TEST_DATABASE_URL } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

describe('OpenAPI, docs and health', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
  });
  afterAll(() => h.close());

  it('lists every route of the HTTP contract in /openapi.json, with schemas from zod', async () => {
    const response = await h.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual([
      'DELETE /me',
      'GET /healthz',
      'GET /me',
      'GET /me/export',
      'GET /readyz',
      'GET /wx/messages',
      'POST /auth/logout-all',
      'POST /me/consent',
      'POST /me/phone',
      'POST /me/phone/unavailable',
      'POST /me/profile/wechat',
      'POST /wx/login',
      'POST /wx/messages',
      'PUT /me/profile',
    ]);
    const login = doc.paths['/wx/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['code']);
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '400', '429', '502', '503']));
    expect(Object.keys(login.responses)).not.toContain('4XX');
    expect(doc.paths['/me'].get.security).toEqual([{ bearer: [] }, { tokenHeader: [] }]);
    expect(doc.components.schemas).toHaveProperty('MiniAuthUser');
  });

  it('serves the docs page and its assets from the package', async () => {
    const page = await h.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
    const css = await h.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
  });

  it('answers liveness and readiness', async () => {
    expect((await h.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ code: 1, status: 'ok' });
    expect((await h.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ code: 1, status: 'ready' });
  });

  it('is not ready while its database is down', async () => {
    const gone = await openDatabase(TEST_DATABASE_URL, { poolSize: 1 });
    await gone.close();
    const app = await h.another({}, { db: gone });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 0, error: 'DATABASE_UNAVAILABLE', retryable: true });
    expect(response.headers['retry-after']).toBe('1');
  });
});
