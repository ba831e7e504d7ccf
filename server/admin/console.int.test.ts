// The console's API over HTTP on the real server (simulator, PostgreSQL): sign-in and its
// lock-out, sessions, CSRF and origin checks, finding a person by each key, the timeline with
// WeChat's errcodes explained, the phone quota as the background job read it, and the three
// actions on record under the operator's name.
// Whatever is refused answers 401/403 with `{ code, error, message }` and changes nothing.
// On PostgreSQL and on PGlite (what `npm start` runs by default).

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/eventually.js';
import { databaseTargets } from '../../testing/databases.js';
import { watchPhoneQuota } from '../background-jobs.js';
import { createLogger } from '../log.js';
import { APP, startHarness, type AppHarness } from '../testing/app-harness.js';
import { OPERATORS, operatorEnv } from './testing/operators.js';

const HOST = 'console.test';
const ORIGIN = `http://${HOST}`;

interface Session {
  cookie: string;
  csrfToken: string;
}

describe.each(databaseTargets())('the admin console API on $name', (target) => {
  let h: AppHarness;
  let alice: Session;

  beforeAll(async () => {
    h = await startHarness(target, { env: await operatorEnv(), phoneQuota: true });
    alice = await signIn('alice', OPERATORS.alice);
  }, 30_000);
  afterAll(() => h?.close());

  const send = (options: InjectOptions) => h.inject({ ...options, headers: { host: HOST, ...options.headers } });

  async function signIn(name: string, password: string): Promise<Session> {
    const answer = await send({ method: 'POST', url: '/admin/api/session', headers: { origin: ORIGIN }, payload: { name, password } });
    expect(answer.statusCode, answer.body).toBe(200);
    const cookie = String(answer.headers['set-cookie']);
    expect(cookie).toMatch(/^miniauth_admin=[\w-]{43}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    return { cookie: cookie.split(';')[0]!, csrfToken: answer.json<{ csrfToken: string }>().csrfToken };
  }

  const as = (session: Session, options: InjectOptions) =>
    send({ ...options, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: ORIGIN, ...options.headers } });

  /** Everything a console request could change. */
  async function written(): Promise<string> {
    const { rows } = await h.db.query(
      `SELECT (SELECT count(*) FROM events) AS events,
              (SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY id), '')) FROM users u) AS users,
              (SELECT count(*) FROM admin_sessions) AS sessions`,
    );
    return JSON.stringify(rows[0]);
  }

  // One live person holds a number: each person of this file gets its own.
  let phones = 0;
  async function personWithHistory() {
    const { openid } = await h.device.createUser({ unionid: `union-${Date.now()}-${Math.random().toString(36).slice(2)}`, phone: `1390${String(Date.now() % 1e4).padStart(4, '0')}${String(++phones).padStart(3, '0')}` });
    const login = await h.login(openid);
    const userId = String((login.body['user'] as { id: string }).id);
    const bound = await h.inject({ method: 'POST', url: '/me/phone', headers: { authorization: `Bearer ${login.token}` }, payload: { code: await h.device.phoneCode(openid) } });
    expect(bound.statusCode, bound.body).toBe(200);
    const user = h.sim.state.users().find((each) => each.openid === openid)!;
    return { openid, userId, token: login.token, unionid: user.unionid!, phone: user.phone!.purePhoneNumber };
  }

  it('signs an operator in with a cookie and a CSRF token bound to the session', async () => {
    const answer = await as(alice, { method: 'GET', url: '/admin/api/session' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ code: 1, operator: 'alice', csrfToken: alice.csrfToken });
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('serves the page under a CSP that runs nothing inline', async () => {
    const page = await send({ method: 'GET', url: '/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.body).not.toMatch(/<script>|\son\w+=/);
  });

  it('refuses a wrong password and an unknown operator alike, 401', async () => {
    for (const [name, password] of [['alice', 'wrong'], ['mallory', 'anything']]) {
      const answer = await send({ method: 'POST', url: '/admin/api/session', headers: { origin: ORIGIN }, payload: { name, password } });
      expect(answer.statusCode).toBe(401);
      expect(answer.json()).toEqual({ code: 0, error: 'ADMIN_SIGN_IN_FAILED', message: expect.any(String) });
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
  });

  it('locks an operator out after three failed sign-ins, even with the right password then', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const answer = await send({ method: 'POST', url: '/admin/api/session', headers: { origin: ORIGIN }, payload: { name: 'carol', password: `guess ${attempt}` } });
      expect(answer.statusCode).toBe(401);
    }
    const locked = await send({ method: 'POST', url: '/admin/api/session', headers: { origin: ORIGIN }, payload: { name: 'carol', password: OPERATORS.carol } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 0, error: 'ADMIN_LOCKED_OUT' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    const { rows } = await h.db.query<{ type: string }>(`SELECT type FROM events WHERE stream_id = 'operator-carol' ORDER BY stream_position`);
    expect(rows.map((row) => row.type)).toEqual(['OperatorSignInFailed', 'OperatorSignInFailed', 'OperatorSignInFailed', 'OperatorLockedOut']);
    // Fifteen minutes later the lock is over.
    h.advance(15 * 60_000 + 1000);
    await signIn('carol', OPERATORS.carol);
  });

  const someone = '00000000-0000-4000-8000-000000000000';
  const routes: Array<{ method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: unknown }> = [
    { method: 'GET', url: '/admin/api/session' },
    { method: 'DELETE', url: '/admin/api/session' },
    { method: 'GET', url: '/admin/api/people?key=openid&value=x' },
    { method: 'GET', url: `/admin/api/people/${someone}` },
    { method: 'GET', url: '/admin/api/charts?range=1h' },
    { method: 'POST', url: `/admin/api/people/${someone}/logout-everywhere`, payload: { confirm: someone } },
    { method: 'POST', url: `/admin/api/people/${someone}/erase`, payload: { confirm: someone } },
    { method: 'POST', url: `/admin/api/people/${someone}/export`, payload: { confirm: someone } },
  ];

  it.each(routes)('$method $url: 401 without a session, 403 without the CSRF token or from another origin, nothing changed', async (route) => {
    const { userId } = await personWithHistory();
    const url = route.url.replace(someone, userId);
    const payload = route.payload === undefined ? undefined : { confirm: userId };
    const before = await written();

    const anonymous = await send({ method: route.method, url, headers: { origin: ORIGIN }, ...(payload && { payload }) });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ code: 0, error: 'ADMIN_SIGN_IN_REQUIRED', message: expect.any(String) });

    if (route.method !== 'GET') {
      const crossOrigin = await as(alice, { method: route.method, url, headers: { origin: 'https://evil.example' }, ...(payload && { payload }) });
      expect(crossOrigin.statusCode).toBe(403);
      expect(crossOrigin.json()).toEqual({ code: 0, error: 'ADMIN_ORIGIN_REFUSED', message: expect.any(String) });
      const noOrigin = await as(alice, { method: route.method, url, headers: { origin: '' }, ...(payload && { payload }) });
      expect(noOrigin.statusCode).toBe(403);
    }
    if (url !== '/admin/api/session' || route.method !== 'GET') {
      const withoutToken = await as(alice, { method: route.method, url, headers: { 'x-csrf-token': 'x'.repeat(43) }, ...(payload && { payload }) });
      expect(withoutToken.statusCode).toBe(403);
      expect(withoutToken.json()).toEqual({ code: 0, error: 'ADMIN_CSRF_INVALID', message: expect.any(String) });
    }
    const forged = await send({ method: route.method, url, headers: { origin: ORIGIN, cookie: `miniauth_admin=${'A'.repeat(43)}` }, ...(payload && { payload }) });
    expect(forged.statusCode).toBe(401);
    expect(await written()).toBe(before);
  });

  it('finds a person by openid, unionid, user id and the last digits of the phone', async () => {
    const person = await personWithHistory();
    for (const [key, value] of [['openid', person.openid], ['unionid', person.unionid], ['userId', person.userId], ['phone', person.phone.slice(-6)]] as const) {
      const answer = await as(alice, { method: 'GET', url: `/admin/api/people?key=${key}&value=${encodeURIComponent(value)}` });
      expect(answer.statusCode, `${key}: ${answer.body}`).toBe(200);
      const people = answer.json<{ people: Array<{ id: string; phone: string }> }>().people;
      expect(people.map((each) => each.id), key).toContain(person.userId);
      expect(people.find((each) => each.id === person.userId)?.phone).toBe(`••••${person.phone.slice(-4)}`);
    }
    const tooShort = await as(alice, { method: 'GET', url: '/admin/api/people?key=phone&value=12' });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json()).toMatchObject({ code: 0, error: 'VALIDATION_FAILED' });
  });

  it('finds a person by the unionid and by every linked openid, and names the link in the timeline', async () => {
    const person = await personWithHistory();
    // Another openid WeChat gives the same unionid (as another bound app would): linked, not registered.
    const { openid } = await h.device.createUser({ unionid: person.unionid });
    const linked = await h.login(openid);
    expect((linked.body['user'] as { id: string }).id).toBe(person.userId);
    for (const [key, value] of [['unionid', person.unionid], ['openid', openid]] as const) {
      const answer = await as(alice, { method: 'GET', url: `/admin/api/people?key=${key}&value=${encodeURIComponent(value)}` });
      expect(answer.json<{ people: Array<{ id: string }> }>().people.map((each) => each.id), key).toEqual([person.userId]);
    }
    const shown = (await as(alice, { method: 'GET', url: `/admin/api/people/${person.userId}` })).json<{
      person: { identities: string; mergedInto: string | null };
      timeline: Array<{ type: string; details: Record<string, unknown> }>;
    }>();
    expect(shown.person).toMatchObject({ identities: expect.stringContaining(openid), mergedInto: null });
    expect(shown.timeline.find((entry) => entry.type === 'IdentityLinked')?.details).toMatchObject({ openid });
  });

  it("shows the timeline, with a failed login's errcode explained and its rid", async () => {
    const person = await personWithHistory();
    await h.device.fault({ api: 'jscode2session', errcode: 40029 });
    const failed = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: await h.device.login(person.openid) } });
    expect(failed.statusCode).toBe(400);
    const rid = failed.json<{ rid: string }>().rid;

    // Failed logins come from a projection of the log, read commit-safe: beside other suites on
    // the same PostgreSQL, the failure shows once every older transaction there has ended.
    let timeline: Array<Record<string, unknown>> = [];
    await eventually(async () => {
      const answer = await as(alice, { method: 'GET', url: `/admin/api/people/${person.userId}` });
      expect(answer.statusCode).toBe(200);
      timeline = answer.json<{ timeline: Array<Record<string, unknown>> }>().timeline;
      expect(timeline.map((entry) => entry['type'])).toEqual(expect.arrayContaining(['UserRegistered', 'UserLoggedIn', 'PhoneNumberBound', 'LoginFailed']));
    });
    expect(timeline.find((entry) => entry['rid'] === rid)).toMatchObject({
      type: 'LoginFailed',
      errcode: 40029,
      explanation: { reason: 'WECHAT_CODE_INVALID', message: expect.stringContaining('invalid') },
      unattributed: true,
    });
  });

  it('counts the charts from the log, per minute over the range', async () => {
    await personWithHistory();
    const count = async (type: string) => Number((await h.db.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE type = $1', [type])).rows[0]?.n);
    for (const [range, buckets, minutes] of [['1h', 60, 1], ['24h', 96, 15], ['7d', 168, 60]] as const) {
      const answer = await as(alice, { method: 'GET', url: `/admin/api/charts?range=${range}` });
      expect(answer.statusCode, answer.body).toBe(200);
      const charts = answer.json<{ buckets: number; bucketSeconds: number; logins: { series: Array<{ name: string; total: number; perMinute: number[] }> }; phones: { series: Array<{ total: number }> } }>();
      expect({ buckets: charts.buckets, bucketSeconds: charts.bucketSeconds }).toEqual({ buckets, bucketSeconds: minutes * 60 });
      const logins = charts.logins.series.find((series) => series.name === 'logins')!;
      expect(logins.total).toBe(await count('UserLoggedIn'));
      expect(logins.perMinute).toHaveLength(buckets);
      expect(logins.perMinute.reduce((sum, rate) => sum + rate * minutes, 0)).toBeCloseTo(logins.total, 6);
      expect(charts.logins.series.find((series) => series.name === 'registrations')?.total).toBe(await count('UserRegistered'));
      expect(charts.phones.series[0]?.total).toBe(await count('PhoneNumberBound'));
    }
  });

  it("shows each app's phone-number quota as the background job last read it, and says when it has not read one", async () => {
    type Quota = Array<{ appId: string; reading: null | { all: number; used: number; left: number; readAt: string; packages: Array<Record<string, unknown>> } }>;
    const quota = async () => (await as(alice, { method: 'GET', url: '/admin/api/charts?range=1h' })).json<{ phoneQuota: Quota }>().phoneQuota;
    expect(await quota()).toEqual([{ appId: APP.appId, reading: null }]);

    const ledger = await h.device.setPhoneQuota([{ all: 1000, used: 990, source: 1 }, { all: 5000, used: 1200, source: 2 }, { all: 300, used: 0, status: 3, source: 2 }], APP.appId);
    // One pass of the background job (its first read is at once; stopping waits for it).
    await watchPhoneQuota(h.quotaJob!, createLogger({ level: 'silent' }))();
    const STATUS = { 1: 'active', 2: 'not_started', 3: 'expired' } as const;
    const active = ledger.packages.filter((pkg) => pkg.status === 1);
    const shown = await quota();
    expect(shown).toEqual([{
      appId: APP.appId,
      reading: {
        all: ledger.packages.reduce((sum, pkg) => sum + pkg.all, 0),
        used: ledger.packages.reduce((sum, pkg) => sum + pkg.used, 0),
        left: active.reduce((sum, pkg) => sum + pkg.all - pkg.used, 0),
        readAt: expect.any(String),
        packages: ledger.packages.map((pkg) => ({ id: pkg.pkgId, status: STATUS[pkg.status], all: pkg.all, used: pkg.used, left: pkg.all - pkg.used, endsAt: new Date(pkg.endTime * 1000).toISOString() })),
      },
    }]);
    expect(shown[0]!.reading).toMatchObject({ left: 10 + 3800 });

    // The console shows the watch's reading and never asks WeChat itself: a new purchase shows once the job has read it.
    await h.device.setPhoneQuota([{ all: 1000, used: 1000, source: 1 }, { all: 2000, used: 0, source: 2 }], APP.appId);
    expect(await quota()).toEqual(shown);
    await watchPhoneQuota(h.quotaJob!, createLogger({ level: 'silent' }))();
    expect((await quota())[0]!.reading).toMatchObject({ all: 3000, used: 1000, left: 2000 });
  });

  it('logs a person out everywhere, on record under the operator', async () => {
    const person = await personWithHistory();
    const answer = await as(alice, { method: 'POST', url: `/admin/api/people/${person.userId}/logout-everywhere`, payload: { confirm: person.userId } });
    expect(answer.statusCode, answer.body).toBe(200);
    const me = await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${person.token}` } });
    expect(me.statusCode).toBe(401);
    const { rows } = await h.db.query<{ type: string; operator: string }>(
      `SELECT type, coalesce(metadata ->> 'operator', data ->> 'operator') AS operator FROM events
       WHERE stream_id = $1 AND type = 'SessionsRevoked' OR (type = 'OperatorActed' AND data ->> 'userId' = $2)`,
      [`user-${person.userId}`, person.userId],
    );
    expect(rows).toEqual([{ type: 'SessionsRevoked', operator: 'alice' }, { type: 'OperatorActed', operator: 'alice' }]);
  });

  it('asks for the user id as confirmation before acting', async () => {
    const person = await personWithHistory();
    const before = await written();
    const answer = await as(alice, { method: 'POST', url: `/admin/api/people/${person.userId}/erase`, payload: { confirm: 'yes' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ code: 0, error: 'ADMIN_CONFIRMATION_REQUIRED', field: 'body.confirm' });
    expect(await written()).toBe(before);
  });

  it("exports a person's data, the export on record first", async () => {
    const person = await personWithHistory();
    const answer = await as(alice, { method: 'POST', url: `/admin/api/people/${person.userId}/export`, payload: { confirm: person.userId } });
    expect(answer.statusCode, answer.body).toBe(200);
    const { export: exported } = answer.json<{ export: { person: Record<string, unknown>; history: Array<{ type: string; operator?: string; details: Record<string, unknown> }> } }>();
    expect(exported.person).toMatchObject({ id: person.userId, openid: person.openid, unionid: person.unionid, phone: person.phone });
    expect(exported.history.map((entry) => entry.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'PhoneNumberBound', 'OperatorActed']);
    expect(exported.history.at(-1)).toMatchObject({ operator: 'alice', details: { action: 'export' } });
    expect(answer.body).not.toMatch(/session_?key/i);
  });

  it('erases a person, on record under the operator, their personal data gone', async () => {
    const person = await personWithHistory();
    const bob = await signIn('bob', OPERATORS.bob);
    const answer = await as(bob, { method: 'POST', url: `/admin/api/people/${person.userId}/erase`, payload: { confirm: person.userId } });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ person: { id: person.userId, unionid: null, phone: null, erasedAt: expect.any(String) } });
    const timeline = (await as(bob, { method: 'GET', url: `/admin/api/people/${person.userId}` })).json<{ timeline: Array<{ type: string; operator?: string }> }>().timeline;
    expect(timeline.filter((entry) => entry.operator === 'bob').map((entry) => entry.type)).toEqual(['UserErased', 'OperatorActed']);
    const byPhone = await as(bob, { method: 'GET', url: `/admin/api/people?key=phone&value=${person.phone}` });
    expect(byPhone.json<{ people: Array<{ id: string }> }>().people.map((each) => each.id)).not.toContain(person.userId);
  });

  it('signs out: the session is gone', async () => {
    const bob = await signIn('bob', OPERATORS.bob);
    expect((await as(bob, { method: 'DELETE', url: '/admin/api/session' })).statusCode).toBe(200);
    expect((await as(bob, { method: 'GET', url: '/admin/api/session' })).statusCode).toBe(401);
  });

  it('answers over its configured origin only', async () => {
    const pinned = await h.another({ ADMIN_ORIGIN: 'https://ops.example.com' });
    const elsewhere = await h.inject({ method: 'GET', url: '/admin', headers: { host: HOST } }, pinned);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toMatchObject({ code: 0, error: 'NOT_FOUND' });
    const signIn = (origin: string) =>
      h.inject({ method: 'POST', url: '/admin/api/session', headers: { host: 'ops.example.com', origin }, payload: { name: 'bob', password: OPERATORS.bob } }, pinned);
    expect((await signIn('http://ops.example.com')).statusCode).toBe(403);
    expect((await signIn('https://ops.example.com')).statusCode).toBe(200);
  });

  it('signs an operator in by the proxy header, from a trusted proxy only', async () => {
    const proxied = (trustProxy: string) => h.another({ ADMIN_PROXY_HEADER: 'X-Forwarded-User', TRUST_PROXY: trustProxy });
    const signIn = (app: Awaited<ReturnType<typeof proxied>>, name: string) =>
      h.inject({ method: 'POST', url: '/admin/api/session', headers: { host: HOST, origin: ORIGIN, 'x-forwarded-user': name } }, app);
    const behindProxy = await proxied('127.0.0.1');
    const answer = await signIn(behindProxy, 'bob');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ operator: 'bob' });
    expect((await signIn(behindProxy, 'mallory')).statusCode).toBe(401);
    const { rows } = await h.db.query<{ via: string }>(`SELECT data ->> 'via' AS via FROM events WHERE stream_id = 'operator-bob' AND type = 'OperatorSignedIn'`);
    expect(rows.map((row) => row.via)).toContain('proxy');
    // The same header from a peer that is not a trusted proxy names nobody.
    const direct = await signIn(await proxied('10.0.0.0/8'), 'bob');
    expect(direct.statusCode).toBe(401);
    expect(direct.json()).toMatchObject({ error: 'ADMIN_SIGN_IN_REQUIRED' });
  });

  it('is not there when no operator is configured', async () => {
    const plain = await h.another({ ADMIN_ACCOUNTS: '' });
    const answer = await h.inject({ method: 'GET', url: '/admin' }, plain);
    expect(answer.statusCode).toBe(404);
    expect(APP.appId).toMatch(/^wx/);
  });
});
