// Every way code2Session fails, injected at the simulator: the typed answer, the failure kept
// in the log with WeChat's errcode and rid, and no user event written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../simulator/index.js';
import { pgTarget } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import { startHarness, APP, type AppHarness } from '../testing/app-harness.js';
import { catchUpLoginFailures, listLoginFailures } from '../users/index.js';

const USER_EVENTS = ['UserRegistered', 'UserLoggedIn', 'ProfileUpdated', 'PhoneNumberBound', 'SessionsRevoked', 'UserErased'];

describe('WeChat failures at login', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
  });
  afterAll(() => h.close());

  async function userEvents(): Promise<number> {
    const { rows } = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE type = ANY($1::text[])', [USER_EVENTS]);
    return Number(rows[0]?.n);
  }

  async function listedFailures(): Promise<number> {
    const { rows } = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM login_failures');
    return Number(rows[0]?.n);
  }

  async function loginFailing(fault: Omit<FaultSpec, 'api'>) {
    const { code } = await h.newUser();
    await h.device.fault({ api: 'jscode2session', ...fault });
    const before = { user: await userEvents(), failed: await h.countEvents('LoginFailed'), listed: await listedFailures() };
    const response = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(await userEvents()).toBe(before.user);
    expect(await h.countEvents('LoginFailed')).toBe(before.failed + 1);
    // The failed-login list is an async projection: it sees the event once every older
    // transaction in the cluster (other test files run beside this one) has ended.
    await eventually(async () => {
      await catchUpLoginFailures(h.db);
      expect(await listedFailures()).toBe(before.listed + 1);
    });
    const [latest] = await listLoginFailures(h.db, { appId: APP.appId, limit: 1 });
    return { response, body: response.json(), code, latest };
  }

  const errcodes = [
    { errcode: -1, status: 503, error: 'WECHAT_BUSY', retryable: true },
    { errcode: 40029, status: 400, error: 'WECHAT_CODE_INVALID', retryable: false },
    { errcode: 40163, status: 400, error: 'WECHAT_CODE_USED', retryable: false },
    { errcode: 45011, status: 429, error: 'WECHAT_RATE_LIMITED', retryable: true },
    { errcode: 40226, status: 403, error: 'WECHAT_USER_BLOCKED', retryable: false },
    { errcode: 40125, status: 502, error: 'WECHAT_MISCONFIGURED', retryable: false },
    { errcode: 40013, status: 502, error: 'WECHAT_MISCONFIGURED', retryable: false },
  ];

  it.each(errcodes)('maps errcode $errcode to $status $error and records it with its rid', async ({ errcode, status, error, retryable }) => {
    const { response, body, latest } = await loginFailing({ errcode });
    expect(response.statusCode).toBe(status);
    expect(body).toMatchObject({ code: 0, error, errcode, message: expect.any(String) });
    expect(body.rid).toMatch(/^[\w-]+$/);
    expect(body.retryable ?? false).toBe(retryable);
    if (retryable) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(latest).toMatchObject({ errcode, rid: body.rid, reason: error });
  });

  it.each([
    { name: 'a dropped connection', fault: { drop: true }, status: 502, error: 'WECHAT_UNAVAILABLE' },
    { name: 'a gateway error page', fault: { status: 502 }, status: 502, error: 'WECHAT_UNAVAILABLE' },
    { name: 'garbage instead of JSON', fault: { body: 'not json at all' }, status: 502, error: 'WECHAT_UNAVAILABLE' },
    { name: 'no answer in time', fault: { delayMs: 1_500 }, status: 504, error: 'WECHAT_TIMEOUT' },
  ])('maps $name to $status $error and records it', async ({ fault, status, error }) => {
    const { response, body, latest } = await loginFailing(fault);
    expect(response.statusCode).toBe(status);
    expect(body).toMatchObject({ code: 0, error, retryable: true });
    expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
    expect(latest).toMatchObject({ reason: error });
  });

  it('lets the same code through once WeChat is no longer busy', async () => {
    const { body, code } = await loginFailing({ errcode: -1 });
    expect(body.error).toBe('WECHAT_BUSY');
    const retry = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ code: 1, isNew: true });
  });

  it('records the real errcodes of an unknown code and of a code used elsewhere', async () => {
    const unknown = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: 'no-such-code-0000000000000000000' } });
    expect(unknown.json()).toMatchObject({ error: 'WECHAT_CODE_INVALID', errcode: 40029 });

    // Another backend (or a leaked code) exchanged it first.
    const { code } = await h.newUser();
    const base = h.config.wechat.apiBase;
    await fetch(`${base}/sns/jscode2session?appid=${APP.appId}&secret=${APP.secret}&js_code=${code}&grant_type=authorization_code`);
    const before = await userEvents();
    const used = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(used.statusCode).toBe(400);
    expect(used.json()).toMatchObject({ error: 'WECHAT_CODE_USED', errcode: 40163 });
    expect(await userEvents()).toBe(before);
  });
});
