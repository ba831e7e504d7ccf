// One person across apps, on the real server with the simulator and PostgreSQL: the same human
// in two mini programs bound to one Open Platform account is one person; an app bound late links
// or merges as docs/architecture.md says; a phone number has one holder; erasure and export
// cover every identity; racing first logins from two processes end in one person; and the
// projection (users, user_identities) equals its rebuild.

import jwt from 'jsonwebtoken';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { APP, APP2, startHarness, startServerProcess, type AppHarness, type ServerProcess } from '../testing/app-harness.js';
import { eventually } from '../../testing/eventually.js';
import { readStream } from '../store/read.js';
import { createUserEventStore, userStreamId, Users } from '../users/index.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('one person across apps', () => {
  let h: AppHarness;
  let other: FastifyInstance;
  let processTwo: ServerProcess;
  beforeAll(async () => {
    h = await startHarness(pgTarget, { twoApps: true });
    other = await h.another();
    processTwo = await startServerProcess(h);
  }, 60_000);
  afterAll(async () => {
    await processTwo?.stop();
    await h.close();
  });

  /** A login sent to this process (inject) or to the server process over HTTP; the status and body. */
  async function postLogin(where: 'here' | 'process', code: string, appId: string): Promise<{ statusCode: number; body: Record<string, unknown> }> {
    if (where === 'here') {
      const answer = await h.inject({ method: 'POST', url: '/wx/login', payload: { code, appId } });
      return { statusCode: answer.statusCode, body: answer.json() };
    }
    const answer = await fetch(`${processTwo.url}/wx/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, appId }) });
    return { statusCode: answer.status, body: (await answer.json()) as Record<string, unknown> };
  }

  const claims = (token: string) => jwt.decode(token) as { sub: string; aud: string };

  async function logIn(appId: string, openid: string, app?: FastifyInstance) {
    const code = await h.device.login(openid, appId);
    const response = await h.inject({ method: 'POST', url: '/wx/login', payload: { code, appId } }, app);
    return { status: response.statusCode, body: response.json() as Record<string, unknown>, token: String(response.json().token) };
  }

  /**
   * `count` logins of one human at once, alternating the apps (its openid in each) and the two
   * processes; every one must succeed.
   */
  async function racingLogins(count: number, first: string, second: string) {
    const logins = Array.from({ length: count }, (_, i) => ({
      appId: i % 2 === 0 ? APP.appId : APP2.appId,
      openid: i % 2 === 0 ? first : second,
      where: i % 4 < 2 ? ('here' as const) : ('process' as const),
    }));
    const codes = await Promise.all(logins.map((login) => h.device.login(login.openid, login.appId)));
    const answers = await Promise.all(logins.map((login, i) => postLogin(login.where, codes[i]!, login.appId)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(logins.map(() => 200));
    return answers;
  }

  const me = (token: string) => h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });

  /** A human of both apps, bound to a fresh Open Platform account (or to none yet). */
  async function human(bound: boolean) {
    const account = `acct-${Math.random().toString(36).slice(2)}`;
    await h.device.bindOpenPlatform(APP.appId, bound ? account : null);
    await h.device.bindOpenPlatform(APP2.appId, bound ? account : null);
    const first = await h.device.createUser({ appId: APP.appId });
    const second = await h.device.createUser({ appId: APP2.appId, sameAs: { appId: APP.appId, openid: first.openid } });
    return { account, first: first.openid, second: second.openid };
  }

  async function bindBoth(account: string) {
    await h.device.bindOpenPlatform(APP.appId, account);
    await h.device.bindOpenPlatform(APP2.appId, account);
  }

  const personRows = async (unionid: string) =>
    (await h.db.query('SELECT id FROM users WHERE unionid = $1 AND erased_at IS NULL AND merged_into IS NULL', [unionid])).rows;

  it('is one person for the same human in two apps: the same sub, the audience of each app', async () => {
    const { first, second } = await human(true);
    const one = await logIn(APP.appId, first);
    const two = await logIn(APP2.appId, second);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(claims(two.token).sub).toBe(claims(one.token).sub);
    expect([claims(one.token).aud, claims(two.token).aud]).toEqual([APP.appId, APP2.appId]);
    expect(two.body['isNew']).toBe(false);
    const { events } = await readStream(h.db, userStreamId(claims(one.token).sub));
    expect(events.map((event) => event.type)).toContain('IdentityLinked');
    // Logging in again from the second app stays on the same person.
    expect(claims((await logIn(APP2.appId, second)).token).sub).toBe(claims(one.token).sub);
    expect((await me(two.token)).statusCode).toBe(200);
  });

  it('links an app bound late: the known person takes the unionid, the other app links to it', async () => {
    const { account, first, second } = await human(false);
    const before = await logIn(APP.appId, first);
    expect((await h.db.query('SELECT unionid FROM users WHERE id = $1', [claims(before.token).sub])).rows[0]).toEqual({ unionid: null });
    await bindBoth(account);
    const again = await logIn(APP.appId, first);
    const linked = await logIn(APP2.appId, second);
    expect(claims(again.token).sub).toBe(claims(before.token).sub);
    expect(claims(linked.token).sub).toBe(claims(before.token).sub);
    const unionid = (await h.device.user(first)).unionid!;
    expect(await personRows(unionid)).toEqual([{ id: claims(before.token).sub }]);
    const merges = await h.db.query("SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'PersonAbsorbed'", [userStreamId(claims(before.token).sub)]);
    expect(merges.rows[0]).toEqual({ n: 0 });
  });

  it('merges two persons of one human when a late unionid shows it: the first registered survives, the other token is refused, its history stays', async () => {
    const { account, first, second } = await human(false);
    const early = await logIn(APP.appId, first);
    const late = await logIn(APP2.appId, second);
    expect(claims(late.token).sub).not.toBe(claims(early.token).sub);
    const lateId = claims(late.token).sub;
    await bindBoth(account);
    // The later person logs in first with the unionid, then the earlier one: they are merged.
    const lateAgain = await logIn(APP2.appId, second);
    expect(claims(lateAgain.token).sub).toBe(lateId);
    const earlyAgain = await logIn(APP.appId, first, other);
    expect(earlyAgain.status).toBe(200);
    expect(claims(earlyAgain.token).sub).toBe(claims(early.token).sub);

    // The absorbed person's tokens are refused on both processes.
    // The absorbed person's tokens are refused: at once by the process that merged; by another
    // one once its cached copy is older than REVOCATION_TTL_MS (at once with Redis).
    const refusedBy = async (app: FastifyInstance) => {
      const answer = await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${lateAgain.token}` } }, app);
      expect(answer.statusCode).toBe(401);
      expect(answer.json()).toMatchObject({ code: -1, error: 'TOKEN_REVOKED' });
    };
    await refusedBy(other);
    h.advance(h.config.revocationTtlMs + 1);
    await refusedBy(h.app);
    // Its history is still in the log, closed by UserMerged; the survivor says what moved.
    const absorbedLog = await readStream(h.db, userStreamId(lateId));
    expect(absorbedLog.events.map((event) => event.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoggedIn', 'UserMerged']);
    const survivorLog = await readStream(h.db, userStreamId(claims(early.token).sub));
    expect(survivorLog.events.find((event) => event.type === 'PersonAbsorbed')?.data).toMatchObject({
      absorbed: lateId,
      identities: [{ appId: APP2.appId, openid: second }],
    });
    // The second app now logs in as the survivor.
    expect(claims((await logIn(APP2.appId, second)).token).sub).toBe(claims(early.token).sub);
  });

  it("announces a merge on Redis: another process refuses the absorbed person's token at once", async () => {
    const env = { REDIS_URL, REVOCATION_TTL_MS: '3600000' };
    const [merging, watching] = [await h.another(env), await h.another(env)];
    const { account, first, second } = await human(false);
    await logIn(APP.appId, first, merging);
    const late = await logIn(APP2.appId, second, merging);
    const asLate = () => h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${late.token}` } }, watching);
    expect((await asLate()).statusCode).toBe(200); // cached there, trusted for an hour
    await bindBoth(account);
    await logIn(APP2.appId, second, merging);
    expect((await logIn(APP.appId, first, merging)).status).toBe(200); // the merge
    await eventually(async () => {
      expect((await asLate()).json()).toMatchObject({ code: -1, error: 'TOKEN_REVOKED' });
    });
  });

  it('refuses a phone number another person holds with a typed 409', async () => {
    await bindBoth(`acct-phone-${Date.now()}`);
    const a = await h.device.createUser({ appId: APP.appId, phone: '13912340000' });
    const b = await h.device.createUser({ appId: APP.appId, phone: '13912340000' });
    const bind = async (openid: string) => {
      const { token } = await logIn(APP.appId, openid);
      const code = await h.device.phoneCode(openid, APP.appId);
      return h.inject({ method: 'POST', url: '/me/phone', payload: { code }, headers: { authorization: `Bearer ${token}` } });
    };
    expect((await bind(a.openid)).statusCode).toBe(200);
    const refused = await bind(b.openid);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ code: 0, error: 'PHONE_NUMBER_TAKEN', message: expect.any(String) });
  });

  it('merges the two persons with PHONE_CONFLICT=merge when neither unionid says they are two humans', async () => {
    const merging = await h.another({ PHONE_CONFLICT: 'merge' });
    await h.device.bindOpenPlatform(APP.appId, null);
    const a = await h.device.createUser({ appId: APP.appId, phone: '13912340001' });
    const b = await h.device.createUser({ appId: APP.appId, phone: '13912340001' });
    const bind = async (openid: string) => {
      const { token } = await logIn(APP.appId, openid, merging);
      const code = await h.device.phoneCode(openid, APP.appId);
      const answer = await h.inject({ method: 'POST', url: '/me/phone', payload: { code }, headers: { authorization: `Bearer ${token}` } }, merging);
      return { token, answer };
    };
    const first = await bind(a.openid);
    const second = await bind(b.openid);
    expect(second.answer.statusCode).toBe(200);
    // The person registered first holds the number; the other one's token is refused at once.
    expect(second.answer.json().user.id).toBe(claims(first.token).sub);
    const refused = await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${second.token}` } }, merging);
    expect(refused.json()).toMatchObject({ code: -1, error: 'TOKEN_REVOKED' });
    expect(claims((await logIn(APP.appId, b.openid, merging)).token).sub).toBe(claims(first.token).sub);
  });

  it('exports and erases the person across every identity and every absorbed person', async () => {
    const { account, first, second } = await human(false);
    const early = await logIn(APP.appId, first);
    const late = await logIn(APP2.appId, second);
    await bindBoth(account);
    await logIn(APP2.appId, second);
    const merged = await logIn(APP.appId, first);
    const survivorId = claims(early.token).sub;
    const absorbedId = claims(late.token).sub;

    const exported = (await h.inject({ method: 'GET', url: '/me/export', headers: { authorization: `Bearer ${merged.token}` } })).json();
    expect(exported.export.personalData.identities).toEqual([{ appId: APP.appId, openid: first }, { appId: APP2.appId, openid: second }]);
    expect(exported.export.absorbed).toEqual([{ userId: absorbedId, history: expect.arrayContaining([expect.objectContaining({ type: 'UserMerged' })]) }]);

    const erased = await h.inject({ method: 'DELETE', url: '/me', headers: { authorization: `Bearer ${merged.token}` } });
    expect(erased.statusCode).toBe(200);
    const rows = await h.db.query('SELECT id, erased_at IS NOT NULL AS erased FROM users WHERE id = ANY($1::uuid[]) ORDER BY id', [[survivorId, absorbedId]]);
    expect(rows.rows.every((row) => row['erased'] === true)).toBe(true);
    const keys = await h.db.query('SELECT count(*)::int AS n FROM personal_data_keys WHERE subject = ANY($1::text[])', [[userStreamId(survivorId), userStreamId(absorbedId)]]);
    expect(keys.rows[0]).toEqual({ n: 0 });
    const secrets = await h.db.query('SELECT count(*)::int AS n FROM session_keys WHERE (app_id, openid) IN (($1, $2), ($3, $4))', [APP.appId, first, APP2.appId, second]);
    expect(secrets.rows[0]).toEqual({ n: 0 });
    const identities = await h.db.query('SELECT count(*)::int AS n FROM user_identities WHERE user_id = ANY($1::uuid[])', [[survivorId, absorbedId]]);
    expect(identities.rows[0]).toEqual({ n: 0 });
    // Both streams read back without their personal fields.
    const absorbedLog = await readStream(h.db, userStreamId(absorbedId));
    expect(absorbedLog.events.some((event) => (event.data as { redacted?: boolean }).redacted === true)).toBe(true);
  });

  it('gives exactly one person for 50 racing first logins across two apps and two processes', async () => {
    const { first, second } = await human(true);
    const answers = await racingLogins(50, first, second);
    const subs = new Set(answers.map((answer) => claims(String(answer.body['token'])).sub));
    expect(subs.size).toBe(1);
    expect(answers.filter((answer) => answer.body['isNew'] === true)).toHaveLength(1);
    const unionid = (await h.device.user(first)).unionid!;
    expect(await personRows(unionid)).toHaveLength(1);
    const registered = await h.db.query(
      "SELECT count(*)::int AS n FROM events WHERE type = 'UserRegistered' AND (data->>'openid' = ANY($1::text[]) OR stream_id = ANY($2::text[]))",
      [[first, second], [...subs].map(userStreamId)],
    );
    expect(registered.rows[0]).toEqual({ n: 1 });
    const identities = await h.db.query('SELECT app_id FROM user_identities WHERE user_id = $1 ORDER BY app_id', [[...subs][0]]);
    expect(identities.rows.map((row) => row['app_id'])).toEqual([APP.appId, APP2.appId].sort());
  });

  it('loses neither a merge nor the logins racing it, across two processes', async () => {
    const { account, first, second } = await human(false);
    const early = await logIn(APP.appId, first);
    const late = await logIn(APP2.appId, second);
    await bindBoth(account);
    const rounds = 10;
    const answers = await racingLogins(rounds * 2, first, second);
    const survivorId = claims(early.token).sub;
    // After the race every identity is the survivor's, and every login is in the log.
    expect(claims((await logIn(APP2.appId, second)).token).sub).toBe(survivorId);
    const unionid = (await h.device.user(first)).unionid!;
    expect(await personRows(unionid)).toEqual([{ id: survivorId }]);
    const subs = answers.map((answer) => claims(String(answer.body['token'])).sub);
    const streams = [...new Set([survivorId, claims(late.token).sub, ...subs])].map(userStreamId);
    const loggedIn = await h.db.query("SELECT count(*)::int AS n FROM events WHERE type = 'UserLoggedIn' AND stream_id = ANY($1::text[])", [streams]);
    // Two first logins, the race, and the last check.
    expect(loggedIn.rows[0]).toEqual({ n: 2 + rounds * 2 + 1 });
  });

  it('rebuilds exactly the live projection: users and user_identities', async () => {
    const table = async () => ({
      users: (await h.db.query('SELECT * FROM users ORDER BY id')).rows,
      identities: (await h.db.query('SELECT * FROM user_identities ORDER BY app_id, openid')).rows,
    });
    const live = await table();
    expect(live.identities.length).toBeGreaterThan(0);
    await new Users(createUserEventStore(h.db)).rebuild();
    expect(await table()).toEqual(live);
  });
});
