// Issue 19, the operators' console under hostile input: fuzzed bodies, query strings, path
// parameters and headers (cookies, CSRF tokens, origins) on every console route, over real
// HTTP. Without a live session, its CSRF token and the console's origin, every request is
// refused with 401/403 and changes nothing; with them, hostile input still gets a typed 4xx
// and never a 5xx. No password, password hash or session secret reaches an answer, a log
// line or an event.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATORS, operatorEnv } from '../server/admin/testing/operators.js';
import { isTypedError, type Answer } from './testing/http.js';
import { startAppUnderAttack, type AppUnderAttack } from './testing/app-under-attack.js';

const RUNS = 200;
const SOMEONE = '00000000-0000-4000-8000-000000000000';

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
}

const ROUTES: Route[] = [
  { method: 'GET', url: '/admin' },
  { method: 'GET', url: '/admin/console.js' },
  { method: 'POST', url: '/admin/api/session' },
  { method: 'GET', url: '/admin/api/session' },
  { method: 'DELETE', url: '/admin/api/session' },
  { method: 'GET', url: '/admin/api/people?key=openid&value=x' },
  { method: 'GET', url: `/admin/api/people/${SOMEONE}` },
  { method: 'GET', url: '/admin/api/charts?range=1h' },
  { method: 'POST', url: `/admin/api/people/${SOMEONE}/logout-everywhere` },
  { method: 'POST', url: `/admin/api/people/${SOMEONE}/erase` },
  { method: 'POST', url: `/admin/api/people/${SOMEONE}/export` },
];
const API = ROUTES.filter((route) => route.url.startsWith('/admin/api/'));

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ minLength: 100, maxLength: 5_000 }),
  fc.constantFrom('__proto__', 'constructor', '\u0000', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '%', '_', '%25', '1234', SOMEONE, 'alice'),
  fc.uuid(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom('name', 'password', 'confirm', '__proto__', 'constructor', 'key', 'value'), hostileValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"confirm":', '[1,2', 'null', '""', '{"__proto__":{"admin":true}}'),
);
const headerText = fc.string({ unit: 'binary-ascii', maxLength: 200 }).filter((text) => /^[\x20-\x7e]*$/.test(text));

describe('the admin console under hostile input', () => {
  let s: AppUnderAttack;
  let origin: string;
  let session: { cookie: string; csrfToken: string };
  let userId: string;

  beforeAll(async () => {
    const env = await operatorEnv({ ADMIN_MAX_FAILED_SIGNINS: '100' });
    s = await startAppUnderAttack({ env });
    origin = s.base;
    for (const [name, password] of Object.entries(OPERATORS)) s.watch.secret(password, `the password of ${name}`);
    for (const item of env['ADMIN_ACCOUNTS']!.split(',')) s.watch.secret(item.slice(item.indexOf(':') + 1), 'an operator password hash');
    const signIn = await s.send('POST', '/admin/api/session', { body: { name: 'alice', password: OPERATORS.alice }, headers: { origin } });
    expect(signIn.status, signIn.text).toBe(200);
    session = { cookie: String(signIn.headers.get('set-cookie')).split(';')[0]!, csrfToken: String(signIn.body?.['csrfToken']) };
    userId = (await s.signedIn()).userId;
  }, 60_000);
  afterAll(() => s?.close());

  /**
   * What a request could change: the log (failed logins and failed sign-ins aside, which are
   * meant to be kept: a fuzzed name may be an operator's), the users, the operators' sessions.
   */
  async function written(): Promise<string> {
    const { rows } = await s.h.db.query(
      `SELECT (SELECT count(*) FROM events WHERE type NOT IN ('LoginFailed', 'OperatorSignInFailed', 'OperatorLockedOut')) AS events,
              (SELECT count(*) FROM admin_sessions) AS sessions,
              (SELECT md5(coalesce(string_agg(session_key, ',' ORDER BY openid), '')) FROM session_keys) AS keys,
              (SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY id), '')) FROM users u) AS users`,
    );
    return JSON.stringify(rows[0]);
  }

  const signedIn = () => ({ cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin });

  function judge(answer: Answer, context: string): boolean {
    expect(answer.status, `${context}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    expect(answer.text, context).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/i);
    if (answer.status < 400) return false;
    expect(isTypedError(answer.body), `${context}: ${answer.text.slice(0, 300)}`).toBe(true);
    expect(answer.body?.['code'], context).toBe(0);
    return true;
  }

  it('fuzzed headers without a live session: 401 or 403, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API),
        fc.record({
          cookie: fc.oneof(headerText, headerText.map((text) => `miniauth_admin=${text}`), fc.constant(`miniauth_admin=${'A'.repeat(43)}`)),
          'x-csrf-token': fc.oneof(headerText, fc.constant(session.csrfToken)),
          origin: fc.oneof(headerText, fc.constant(origin), fc.constant('https://evil.example'), fc.constant('null')),
          'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site'),
          'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        }, { requiredKeys: [] }),
        async (route, headers) => {
          const before = await written();
          const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify({ confirm: SOMEONE, name: 'mallory', password: 'x' });
          const answer = await s.send(route.method, route.url, { headers, ...(body === undefined ? {} : { body }) });
          expect(judge(answer, `${route.method} ${route.url} ${JSON.stringify(headers).slice(0, 300)}`)).toBe(true);
          // The sign-in is the one route open without a session (and the name is nobody's).
          if (route.url !== '/admin/api/session' || route.method !== 'POST') expect([401, 403]).toContain(answer.status);
          expect(await written()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 180_000);

  it.each(API.filter((route) => route.method === 'POST'))('$method $url: fuzzed bodies with a live session, never a 5xx, refused ones write nothing', async (route) => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const before = await written();
        const answer = await s.send(route.method, route.url, { body, headers: { 'content-type': 'application/json', ...signedIn() } });
        if (judge(answer, `${route.method} ${route.url} ${body.slice(0, 200)}`)) expect(await written()).toBe(before);
      }),
      { numRuns: route.url === '/admin/api/session' ? 40 : RUNS },
    );
  }, 180_000);

  it('fuzzed query strings and path parameters with a live session: a typed answer, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('people?key=openid&value=', 'people?key=unionid&value=', 'people?key=userId&value=', 'people?key=phone&value=', 'people?key=', 'charts?range=', 'people/', 'people/'),
        hostileString,
        async (prefix, value) => {
          const before = await written();
          const answer = await s.send('GET', `/admin/api/${prefix}${encodeURIComponent(value)}`, { headers: signedIn() });
          judge(answer, `${prefix}${value.slice(0, 100)}`);
          expect(await written()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 180_000);

  it('lets no password, hash or session secret reach an answer, a log line or an event', async () => {
    // The legitimate uses too: a timeline, an export, the charts.
    const headers = signedIn();
    expect((await s.send('GET', `/admin/api/people/${userId}`, { headers })).status).toBe(200);
    expect((await s.send('POST', `/admin/api/people/${userId}/export`, { headers, body: { confirm: userId } })).status).toBe(200);
    expect((await s.send('GET', '/admin/api/charts?range=7d', { headers })).status).toBe(200);
    const leaks = await s.leaks();
    expect(s.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > RUNS * 3) });
    expect(leaks).toEqual([]);
  });
});
