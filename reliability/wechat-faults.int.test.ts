// Issue 10, faults at WeChat: every bad day of code2Session (and of the phone-number API
// behind it), end to end over real HTTP against a server process. Each gives its documented
// typed error within the WeChat timeout + 2 s, writes no user event, and is recorded as a
// LoginFailed event that the server's own catch-up projects into login_failures.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../simulator/index.js';
import { eventually } from '../testing/eventually.js';
import { openThrowawaySchema, type ThrowawaySchema } from './testing/databases.js';
import { call, isAnswer, isTypedError, login, reportFigure, type Answer } from './testing/http.js';
import { startProcessWorld, type ProcessWorld } from './testing/process-world.js';
import type { ServerProcess } from './testing/server-process.js';

// Short, so that the timeouts below take a second each; the bound is the issue's. A typed
// error takes 20–700 ms, a timeout 1,040–1,170 ms (docs/reliability.md): the 2 s over the
// timeout are 12 times the most a timeout has taken over it, room for a stalled event loop.
const WECHAT_TIMEOUT_MS = 1_000;
const BOUND_MS = WECHAT_TIMEOUT_MS + 2_000;

interface Expected {
  name: string;
  fault: Omit<FaultSpec, 'api'>;
  status: number;
  error: string;
  retryable: boolean;
  errcode?: number;
}

const LOGIN_FAULTS: Expected[] = [
  { name: 'errcode -1 (system busy)', fault: { errcode: -1 }, status: 503, error: 'WECHAT_BUSY', retryable: true, errcode: -1 },
  { name: 'errcode 45011 (minute quota)', fault: { errcode: 45011 }, status: 429, error: 'WECHAT_RATE_LIMITED', retryable: true, errcode: 45011 },
  { name: 'errcode 40029 (invalid code)', fault: { errcode: 40029 }, status: 400, error: 'WECHAT_CODE_INVALID', retryable: false, errcode: 40029 },
  { name: 'errcode 40163 (code used)', fault: { errcode: 40163 }, status: 400, error: 'WECHAT_CODE_USED', retryable: false, errcode: 40163 },
  { name: 'errcode 40226 (high-risk user)', fault: { errcode: 40226 }, status: 403, error: 'WECHAT_USER_BLOCKED', retryable: false, errcode: 40226 },
  { name: 'an errcode sent as a string', fault: { body: { errcode: '40029', errmsg: 'invalid code, rid: 6a1b2c3d-0000-0001' } }, status: 400, error: 'WECHAT_CODE_INVALID', retryable: false, errcode: 40029 },
  { name: 'HTTP 500', fault: { status: 500 }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'HTTP 502 from a gateway', fault: { status: 502 }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'HTTP 503 with a JSON body', fault: { status: 503, body: { errcode: 0, openid: 'oFake' } }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'HTTP 504', fault: { status: 504 }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'garbage text', fault: { body: '\u0000\u00ff not json {' }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'an HTML page with status 200', fault: { status: 200, body: '<html><body>维护中</body></html>' }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'truncated JSON', fault: { body: '{"openid":"o123","session_ke' }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'a JSON array', fault: { body: [] }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'a success without a session_key', fault: { body: { openid: 'oNoKey0000000000000000000000' } }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'an empty body', fault: { body: '' }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'a dropped connection', fault: { drop: true }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
  { name: 'an answer later than the timeout', fault: { delayMs: WECHAT_TIMEOUT_MS + 500 }, status: 504, error: 'WECHAT_TIMEOUT', retryable: true },
  { name: 'no answer at all', fault: { delayMs: 60_000 }, status: 504, error: 'WECHAT_TIMEOUT', retryable: true },
  { name: 'a slow drop after the timeout', fault: { delayMs: WECHAT_TIMEOUT_MS + 300, drop: true }, status: 504, error: 'WECHAT_TIMEOUT', retryable: true },
];

describe('WeChat failing under a server process', () => {
  let world: ProcessWorld;
  let schema: ThrowawaySchema;
  let server: ServerProcess;
  const figures: Array<[string, number]> = [];

  beforeAll(async () => {
    world = await startProcessWorld();
    schema = await openThrowawaySchema();
    server = await world.startServer('faults', schema.url, { WECHAT_TIMEOUT_MS: String(WECHAT_TIMEOUT_MS) });
  });
  afterAll(async () => {
    await world?.close();
    await schema?.db.close();
  });

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await schema.db.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }
  const userEvents = () => count(`SELECT count(*) AS n FROM events WHERE stream_id LIKE 'user-%'`);
  const failuresRecorded = () => count(`SELECT count(*) AS n FROM events WHERE type = 'LoginFailed'`);

  /** The typed answer every failure must give, in time. */
  function expectTyped(answer: Answer, expected: Expected): void {
    expect({ status: answer.status, error: answer.body?.['error'] }, answer.text).toEqual({ status: expected.status, error: expected.error });
    expect(isTypedError(answer.body), answer.text).toBe(true);
    expect(answer.body?.['code']).toBe(0);
    expect(answer.body?.['retryable'] ?? false).toBe(expected.retryable);
    if (expected.retryable) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    if (expected.errcode !== undefined) expect(answer.body?.['errcode']).toBe(expected.errcode);
    expect(answer.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/i);
    expect(answer.ms).toBeLessThan(BOUND_MS);
  }

  it.each(LOGIN_FAULTS)('login: $name → $status $error, nothing written but the failure', async (expected) => {
    const openid = await world.newUser();
    const code = await world.codeFor(openid);
    const before = { user: await userEvents(), failed: await failuresRecorded() };
    await world.device.fault({ api: 'jscode2session', ...expected.fault });

    const answer = await login(world.watch, server.url, code);
    expect(isAnswer(answer), JSON.stringify(answer)).toBe(true);
    expectTyped(answer as Answer, expected);
    figures.push([`login, WeChat ${expected.name}`, answer.ms]);

    expect(await userEvents()).toBe(before.user);
    expect(await failuresRecorded()).toBe(before.failed + 1);
    const { rows } = await schema.db.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM events WHERE type = 'LoginFailed' ORDER BY global_position DESC LIMIT 1`,
    );
    expect(rows[0]?.data).toMatchObject({ appId: world.credentials.app.appId, reason: expected.error });
    if (expected.errcode !== undefined) expect(rows[0]?.data['errcode']).toBe(expected.errcode);
    if (answer.status !== 0 && (answer as Answer).body?.['rid']) {
      // The rid WeChat support asks for: in the answer, the event and the server's log.
      const rid = String((answer as Answer).body!['rid']);
      expect(rows[0]?.data['rid']).toBe(rid);
      await eventually(async () => expect(server.output().some((line) => line.includes(rid))).toBe(true));
    }
    await world.device.clearFaults();
  });

  it('answers a slow WeChat (within the timeout) with a normal login', async () => {
    const openid = await world.newUser();
    const code = await world.codeFor(openid);
    await world.device.fault({ api: 'jscode2session', delayMs: 300 });
    const answer = (await login(world.watch, server.url, code)) as Answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 1, isNew: true });
    expect(answer.ms).toBeGreaterThanOrEqual(300 - 20); // a lower bound: a slow machine only adds
  });

  it('keeps serving other users while one login hangs on WeChat', async () => {
    // A server that waits for WeChat far longer than five logins take even on a loaded machine
    // (under a second each; 9 s was the slowest of 1,000 at load 11): the others must all be
    // answered while the hanging one is still waiting.
    const patient = await world.startServer('patient', schema.url, { WECHAT_TIMEOUT_MS: '30000' });
    try {
      const stuck = await world.codeFor(await world.newUser());
      await world.device.fault({ api: 'jscode2session', delayMs: 60_000 });
      let hangingSettled = false;
      const hanging = login(world.watch, patient.url, stuck).finally(() => {
        hangingSettled = true;
      });
      // The hanging call has taken the fault (it is one call's) before the others go out.
      await eventually(async () => expect(world.sim.state.faults()).toEqual([]));
      const others = await Promise.all(Array.from({ length: 5 }, async () => login(world.watch, patient.url, await world.codeFor(await world.newUser()))));
      expect(others.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      // They did not queue behind it.
      expect(hangingSettled).toBe(false);
      void hanging.catch(() => undefined); // ends when the server stops
    } finally {
      await patient.kill();
    }
  });

  describe('the phone-number exchange', () => {
    let token: string;
    beforeAll(async () => {
      const openid = await world.newUser();
      const answer = (await login(world.watch, server.url, await world.codeFor(openid))) as Answer;
      token = String(answer.body?.['token']);
      phoneOwner = openid;
    });
    let phoneOwner: string;

    const PHONE_FAULTS: Expected[] = [
      { name: 'errcode -1', fault: { errcode: -1 }, status: 503, error: 'WECHAT_BUSY', retryable: true, errcode: -1 },
      { name: 'errcode 45011', fault: { errcode: 45011 }, status: 429, error: 'WECHAT_RATE_LIMITED', retryable: true, errcode: 45011 },
      { name: 'errcode 40029', fault: { errcode: 40029 }, status: 400, error: 'WECHAT_PHONE_CODE_INVALID', retryable: false, errcode: 40029 },
      { name: 'garbage', fault: { body: 'oops' }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
      { name: 'a dropped connection', fault: { drop: true }, status: 502, error: 'WECHAT_UNAVAILABLE', retryable: true },
      { name: 'no answer at all', fault: { delayMs: 60_000 }, status: 504, error: 'WECHAT_TIMEOUT', retryable: true },
    ];

    it.each(PHONE_FAULTS)('POST /me/phone: $name → $status $error, no phone bound', async (expected) => {
      const phoneCode = await world.device.phoneCode(phoneOwner);
      const before = await count(`SELECT count(*) AS n FROM events WHERE type = 'PhoneNumberBound'`);
      await world.device.fault({ api: 'getuserphonenumber', ...expected.fault });
      const answer = (await call(world.watch, server.url, 'POST', '/me/phone', { body: { code: phoneCode }, headers: { authorization: `Bearer ${token}` } })) as Answer;
      expectTyped(answer, expected);
      figures.push([`phone, WeChat ${expected.name}`, answer.ms]);
      expect(await count(`SELECT count(*) AS n FROM events WHERE type = 'PhoneNumberBound'`)).toBe(before);
      await world.device.clearFaults();
    });

    it('answers a typed 503 when the access token cannot be had, and binds once it can', async () => {
      // A fresh process has no access token yet: its first phone exchange must fetch one. (Its
      // phone-quota watch would fetch one at start: off here.)
      const fresh = await world.startServer('fresh-token', schema.url, { WECHAT_TIMEOUT_MS: String(WECHAT_TIMEOUT_MS), PHONE_QUOTA_POLL_SECONDS: '0' });
      await world.device.fault({ api: 'stable_token', errcode: -1 });
      const refused = (await call(world.watch, fresh.url, 'POST', '/me/phone', { body: { code: await world.device.phoneCode(phoneOwner) }, headers: { authorization: `Bearer ${token}` } })) as Answer;
      expectTyped(refused, { name: 'stable_token -1', fault: {}, status: 503, error: 'WECHAT_BUSY', retryable: true, errcode: -1 });
      const bound = (await call(world.watch, fresh.url, 'POST', '/me/phone', { body: { code: await world.device.phoneCode(phoneOwner) }, headers: { authorization: `Bearer ${token}` } })) as Answer;
      expect(bound.status).toBe(200);
      expect(bound.body).toMatchObject({ code: 1, user: { phone: expect.stringMatching(/\*{4}/) } });
      await fresh.stop();
    });
  });

  it('projects every recorded failure into login_failures by the server itself', async () => {
    const recorded = await failuresRecorded();
    expect(recorded).toBeGreaterThanOrEqual(LOGIN_FAULTS.length);
    // The server's catch-up runs every 5 s; nobody here runs it. 15 s: three rounds of it.
    await eventually(async () => {
      expect(await count('SELECT count(*) AS n FROM login_failures')).toBe(recorded);
    }, 15_000);
    const reasons = await schema.db.query<{ reason: string }>('SELECT DISTINCT reason FROM login_failures');
    expect(new Set(reasons.rows.map((row) => row.reason))).toEqual(new Set(LOGIN_FAULTS.map((fault) => fault.error)));
    for (const [name, ms] of figures) reportFigure(`time to a typed error: ${name}`, ms, 'ms');
  }, 30_000);

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await world.leaks([schema.db]);
    expect(world.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > 30), log: expect.toSatisfy((n: number) => n > 100), event: expect.toSatisfy((n: number) => n > 20) });
    expect(leaks).toEqual([]);
  });
});
