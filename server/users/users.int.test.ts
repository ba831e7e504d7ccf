import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import type { Queryable } from '../store/database.js';
import { userIdFor, userStreamId } from './identity.js';
import {
  catchUpLoginFailures,
  listLoginFailures,
  LOGIN_FAILURE_STREAM_PREFIX,
  loginFailuresProjection,
  type FailedLoginRow,
} from './login-failures.js';
import type { AppendPart } from '../store/append.js';
import { rebuildAsyncProjection } from '../store/projections.js';
import { saveSessionKeyPart } from './session-keys.js';
import { createUserEventStore, Users } from './users.js';

const appId = 'wx-app-contract';
const newOpenid = (): string => `o-${randomUUID()}`;
let clock = Date.parse('2025-05-01T00:00:00.000Z');
const now = (): Date => new Date((clock += 1_000));

async function eventTypes(q: Queryable, userId: string): Promise<string[]> {
  const { rows } = await q.query<{ type: string }>(
    'SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_position',
    [userStreamId(userId)],
  );
  return rows.map((r) => r.type);
}

/** Where a string can still be read: the raw log (data and metadata) and the users table. */
async function placesHolding(q: Queryable, secret: string): Promise<string[]> {
  const inLog = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM events WHERE position($1 in data::text) > 0 OR position($1 in metadata::text) > 0`,
    [secret],
  );
  const inUsers = await q.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM users u WHERE position($1 in row_to_json(u)::text) > 0`,
    [secret],
  );
  return [...(Number(inLog.rows[0]?.n) > 0 ? ['events'] : []), ...(Number(inUsers.rows[0]?.n) > 0 ? ['users'] : [])];
}

async function usersTable(q: Queryable): Promise<unknown[]> {
  return (await q.query('SELECT * FROM users ORDER BY id')).rows;
}

describe.each(databaseTargets())('users on $name', (target) => {
  let db: TestDatabase;
  let users: Users;

  beforeAll(async () => {
    db = await target.open();
    users = new Users(createUserEventStore(db));
  });
  afterAll(() => db?.close());

  it('registers on the first login and finds the same user on the next (reinstall, new phone)', async () => {
    const openid = newOpenid();
    const first = await users.logIn({
      appId,
      openid,
      unionid: 'u-first',
      now: now(),
      profile: { nickname: 'Mei', avatarUrl: 'https://img/mei.png' },
    });
    expect(first.isNew).toBe(true);
    // Read-your-own-write: the users row was written in the append's transaction.
    expect(first.user).toMatchObject({
      id: userIdFor(appId, openid),
      appId,
      openid,
      unionid: 'u-first',
      nickname: 'Mei',
      avatarUrl: 'https://img/mei.png',
      loginCount: 1,
      tokenVersion: 0,
      erasedAt: null,
    });
    const again = await users.logIn({ appId, openid, now: now() });
    expect(again.isNew).toBe(false);
    expect(again.user).toMatchObject({ nickname: 'Mei', loginCount: 2 });
    expect(again.user.lastLoginAt!.getTime()).toBeGreaterThan(first.user.lastLoginAt!.getTime());
    expect(await users.findByOpenid(appId, openid)).toEqual(again.user);
    expect(await eventTypes(db, first.user.id)).toEqual([
      'UserRegistered',
      'ProfileUpdated',
      'UserLoggedIn',
      'UserLoggedIn',
    ]);
  });

  it('registers exactly once when 50 first logins of one openid race from two processes', async () => {
    const openid = newOpenid();
    const other = new Users(createUserEventStore(await db.connectAgain()));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? users : other).logIn({ appId, openid, now: now() })),
    );
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    const types = await eventTypes(db, userIdFor(appId, openid));
    expect(types.filter((t) => t === 'UserRegistered')).toHaveLength(1);
    expect(types.filter((t) => t === 'UserLoggedIn')).toHaveLength(50);
    expect((await users.findByOpenid(appId, openid))?.loginCount).toBe(50);
  });

  it('updates the profile, binds a phone and revokes sessions, visible at once', async () => {
    const { user } = await users.logIn({ appId, openid: newOpenid(), now: now() });
    expect(user.nickname).toBeNull();
    const profiled = await users.updateProfile(user.id, { nickname: 'Lan', avatarUrl: 'https://img/lan.png' }, now());
    expect(profiled).toMatchObject({ nickname: 'Lan', avatarUrl: 'https://img/lan.png' });
    const bound = await users.bindPhone(user.id, { phone: '13912345678', countryCode: '86' }, now());
    expect(bound).toMatchObject({ phone: '13912345678', phoneCountryCode: '86' });
    expect((await users.revokeSessions(user.id, now())).tokenVersion).toBe(1);
    expect((await users.revokeSessions(user.id, now())).tokenVersion).toBe(2);
  });

  it('refuses commands on an unknown user with a typed error', async () => {
    await expect(users.updateProfile(randomUUID(), { nickname: 'X', avatarUrl: 'https://x' }, now())).rejects.toMatchObject(
      { code: 'USER_NOT_FOUND' },
    );
    expect(await users.findById('not-a-uuid')).toBeNull();
  });

  it('keeps personal data out of the readable log, and erasure leaves none anywhere, even after a rebuild', async () => {
    const openid = newOpenid();
    const secrets = {
      unionid: `union-${randomUUID()}`,
      nickname: `阿梅-${randomUUID().slice(0, 8)}`,
      avatarUrl: `https://img/${randomUUID()}.png`,
      phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    };
    const { user } = await users.logIn({
      appId,
      openid,
      unionid: secrets.unionid,
      now: now(),
      profile: { nickname: secrets.nickname, avatarUrl: secrets.avatarUrl },
    });
    await users.bindPhone(user.id, { phone: secrets.phone, countryCode: '86' }, now());
    await users.sessionKeys.save(appId, openid, 'c2Vzc2lvbi1rZXktMTIzNA==');

    // Live: readable in the users table, sealed in the log; a rebuild restores it from the log.
    for (const secret of Object.values(secrets)) expect(await placesHolding(db, secret)).toEqual(['users']);
    await users.rebuild();
    expect(await users.findById(user.id)).toMatchObject({ nickname: secrets.nickname, phone: secrets.phone });

    await users.erase(user.id, now());
    const erased = await users.findById(user.id);
    expect(erased).toMatchObject({
      unionid: null,
      nickname: null,
      avatarUrl: null,
      phone: null,
      phoneCountryCode: null,
      openid, // a pseudonymous id stays
      tokenVersion: 1, // tokens issued before are refused
    });
    expect(erased?.erasedAt).toBeInstanceOf(Date);
    expect(await users.sessionKeys.get(appId, openid)).toBeNull();
    const keys = await db.query('SELECT 1 FROM personal_data_keys WHERE subject = $1', [userStreamId(user.id)]);
    expect(keys.rows).toEqual([]);
    for (const secret of Object.values(secrets)) expect(await placesHolding(db, secret)).toEqual([]);

    await users.rebuild();
    expect(await users.findById(user.id)).toEqual(erased);
    for (const secret of Object.values(secrets)) expect(await placesHolding(db, secret)).toEqual([]);
    const stream = await users.store.readStream(userStreamId(user.id));
    expect(stream.events.map((e) => e.type)).toContain('UserErased'); // the log itself is intact

    // Back after erasure: a new, empty account under the same id; old tokens stay refused.
    const back = await users.logIn({ appId, openid, now: now() });
    expect(back).toMatchObject({ isNew: true, user: { nickname: null, erasedAt: null, tokenVersion: 1, loginCount: 1 } });
  });

  it('rebuilds the users table from the log to exactly the live table', async () => {
    for (let i = 0; i < 6; i++) {
      const { user } = await users.logIn({ appId, openid: newOpenid(), unionid: i % 2 ? `u-${i}` : undefined, now: now() });
      if (i % 3 === 0) await users.updateProfile(user.id, { nickname: `n${i}`, avatarUrl: `https://img/${i}` }, now());
      if (i === 4) await users.erase(user.id, now());
      if (i === 5) await users.revokeSessions(user.id, now());
    }
    const live = await usersTable(db);
    await db.query("UPDATE users SET login_count = 999, nickname = 'drifted'");
    await users.rebuild();
    expect(await usersTable(db)).toEqual(live);
  });

  it('commits the parts of a login with it, none when the statement fails, and lets them read what it wrote', async () => {
    const openid = newOpenid();
    // A part that fails (a NOT NULL column left empty) fails the whole statement: neither the
    // events nor the session_key written beside them remain.
    const failing: AppendPart = {
      sql: (param, when) =>
        `INSERT INTO login_codes (app_id, code_hash, expires_at) SELECT ${param(appId, 'text')}, 'h', NULL WHERE ${when}`,
    };
    await expect(
      users.logIn({ appId, openid, now: now() }, undefined, {
        parts: [saveSessionKeyPart(appId, openid, 'ZmFpbGVkLWF0dGVtcHQ='), failing],
      }),
    ).rejects.toMatchObject({ code: '23502' });
    expect(await eventTypes(db, userIdFor(appId, openid))).toEqual([]);
    expect(await users.sessionKeys.get(appId, openid)).toBeNull();
    expect(await users.findByOpenid(appId, openid)).toBeNull();

    // A part reads what its statement wrote: the users row (`snapshot`) and the events (`appended`).
    await db.exec('CREATE TABLE IF NOT EXISTS login_notes (user_id uuid, is_new boolean, token_version integer, n serial)');
    const note: AppendPart = {
      sql: (_param, when) =>
        `INSERT INTO login_notes (user_id, is_new, token_version) SELECT u.id, ` +
        `EXISTS (SELECT 1 FROM appended WHERE type = 'UserRegistered'), u.token_version FROM snapshot u WHERE ${when}`,
    };
    const { isNew, user } = await users.logIn({ appId, openid, unionid: 'u-tx', now: now() }, undefined, {
      parts: [saveSessionKeyPart(appId, openid, 'a2V5LSR7'), note],
    });
    expect(isNew).toBe(true);
    expect(await eventTypes(db, user.id)).toEqual(['UserRegistered', 'UserLoggedIn']);
    expect(await users.sessionKeys.get(appId, openid)).toBe('a2V5LSR7');
    await users.revokeSessions(user.id, now());
    await users.logIn({ appId, openid, now: now() }, undefined, { parts: [note] });
    const notes = await db.query('SELECT user_id, is_new, token_version FROM login_notes WHERE user_id = $1 ORDER BY n', [user.id]);
    expect(notes.rows).toEqual([
      { user_id: user.id, is_new: true, token_version: 0 },
      { user_id: user.id, is_new: false, token_version: 1 },
    ]);
    // The row handed back is the row the statement wrote.
    expect((await users.findById(user.id))?.tokenVersion).toBe(1);
    const again = await users.logIn({ appId, openid, profile: { nickname: 'Tx', avatarUrl: 'https://a/x.png' }, now: now() });
    expect(again.user).toEqual(await users.findById(user.id));
  });

  it('keeps the newest session_key per user, in its own table and never in the log', async () => {
    const openid = newOpenid();
    await users.logIn({ appId, openid, now: now() });
    expect(await users.sessionKeys.get(appId, openid)).toBeNull();
    await users.sessionKeys.save(appId, openid, 'Zmlyc3Qta2V5LTAwMDAwMA==');
    await users.sessionKeys.save(appId, openid, 'bmV3ZXIta2V5LTExMTExMQ==');
    expect(await users.sessionKeys.get(appId, openid)).toBe('bmV3ZXIta2V5LTExMTExMQ==');
    expect(await users.sessionKeys.get('another-app', openid)).toBeNull();
    for (const key of ['Zmlyc3Qta2V5LTAwMDAwMA==', 'bmV3ZXIta2V5LTExMTExMQ==']) {
      expect(await placesHolding(db, key)).toEqual([]);
    }
  });

  it('records failed logins each in its own stream, projected for support with errcode and rid', async () => {
    const failingApp = `wx-failing-${randomUUID().slice(0, 8)}`;
    const openid = newOpenid();
    const at = now();
    await users.recordLoginFailure({ appId: failingApp, errcode: 40029, rid: '6f1-aa', reason: 'WECHAT_CODE_INVALID', at });
    await users.recordLoginFailure({ appId: failingApp, errcode: 40163, rid: '6f1-bb', reason: 'WECHAT_CODE_USED', at: now() });
    await users.recordLoginFailure({ appId: failingApp, openid, errcode: 40226, reason: 'WECHAT_RISKY_USER', at: now() });
    const streams = await db.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM events WHERE type = 'LoginFailed' AND data->>'appId' = $1`,
      [failingApp],
    );
    expect(streams.rows).toHaveLength(3); // no shared hot stream
    expect(streams.rows.every((r) => r.stream_id.startsWith(LOGIN_FAILURE_STREAM_PREFIX))).toBe(true);

    // Async: visible once the projection has caught up with the log.
    let listed: FailedLoginRow[] = [];
    await eventually(async () => {
      await catchUpLoginFailures(db);
      listed = await listLoginFailures(db, { appId: failingApp });
      expect(listed).toHaveLength(3);
    });
    expect(listed.map(({ globalPosition: _, ...failure }) => failure)).toEqual([
      { appId: failingApp, openid, errcode: 40226, reason: 'WECHAT_RISKY_USER', at: new Date(at.getTime() + 2_000) },
      { appId: failingApp, errcode: 40163, rid: '6f1-bb', reason: 'WECHAT_CODE_USED', at: new Date(at.getTime() + 1_000) },
      { appId: failingApp, errcode: 40029, rid: '6f1-aa', reason: 'WECHAT_CODE_INVALID', at },
    ]);
    expect(await listLoginFailures(db, { appId: failingApp, openid })).toHaveLength(1);

    const live = (await db.query('SELECT * FROM login_failures ORDER BY global_position')).rows;
    await rebuildAsyncProjection(db, loginFailuresProjection);
    await eventually(async () => {
      await catchUpLoginFailures(db);
      expect((await db.query('SELECT * FROM login_failures ORDER BY global_position')).rows).toEqual(live);
    });
  });
});
