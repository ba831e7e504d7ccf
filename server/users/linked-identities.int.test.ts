// Persons with linked identities through `Users`, on both databases: linking by unionid,
// merging when a unionid arrives late or a number is shared (PHONE_CONFLICT=merge), erasure
// across merged persons, and first logins and merges racing from two processes (two pools on
// PostgreSQL; PGlite has one connection, so there they interleave). Whatever happened, the
// users table and user_identities must equal their rebuild.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import { readStream } from '../store/read.js';
import { userIdFor, userStreamId } from './identity.js';
import { createUserEventStore, Users } from './users.js';

const app1 = 'wx-linked-1';
const app2 = 'wx-linked-2';

describe.each(databaseTargets())('linked identities on $name', (target) => {
  let db: TestDatabase;
  let here: Users;
  let there: Users;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const now = () => new Date((clock += 1000));
  beforeAll(async () => {
    db = await target.open();
    here = new Users(createUserEventStore(db));
    there = new Users(createUserEventStore(await db.connectAgain()));
  });
  afterAll(() => db?.close());

  const typesOf = async (userId: string) => (await readStream(db, userStreamId(userId))).events.map((event) => event.type);
  const holders = async (unionid: string) =>
    (await db.query('SELECT id FROM users WHERE unionid = $1 AND erased_at IS NULL AND merged_into IS NULL', [unionid])).rows.length;

  it('links a first login from another app to the holder of its unionid', async () => {
    const unionid = `u-${randomUUID()}`;
    const first = await here.logIn({ appId: app1, openid: `o-${randomUUID()}`, unionid, now: now() });
    const openid2 = `o-${randomUUID()}`;
    const second = await there.logIn({ appId: app2, openid: openid2, unionid, now: now() });
    expect(second).toMatchObject({ isNew: false, user: { id: first.user.id, loginCount: 2 } });
    expect(second.user.identities).toHaveLength(2);
    expect(await typesOf(first.user.id)).toEqual(['UserRegistered', 'UserLoggedIn', 'IdentityLinked', 'UserLoggedIn']);
    // Its own stream stays empty: the identity is the person's.
    expect(await typesOf(userIdFor(app2, openid2))).toEqual([]);
    expect((await here.findByOpenid(app2, openid2))?.id).toBe(first.user.id);
  });

  it('merges two persons when a late unionid shows they are one; the absorbed one logs in as the survivor', async () => {
    const unionid = `u-${randomUUID()}`;
    const [o1, o2] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
    const p1 = (await here.logIn({ appId: app1, openid: o1, now: now() })).user;
    await here.updateProfile(p1.id, { nickname: 'First', avatarUrl: 'https://img/1.png' }, now());
    const p2 = (await here.logIn({ appId: app2, openid: o2, now: now() })).user;
    await here.bindPhone(p2.id, { phone: `139${String(clock).slice(-8)}`, countryCode: '86' }, now());
    // The later person gets the unionid first; the earlier one's login then merges them.
    expect((await there.logIn({ appId: app2, openid: o2, unionid, now: now() })).user.id).toBe(p2.id);
    const merged = await here.logIn({ appId: app1, openid: o1, unionid, now: now() });
    expect(merged.user).toMatchObject({ id: p1.id, unionid, nickname: 'First', phone: expect.stringMatching(/^139/) });
    expect(merged.absorbed).toMatchObject({ id: p2.id, mergedInto: p1.id, tokenVersion: 1, phone: null, identities: [] });
    expect(await typesOf(p2.id)).toEqual(['UserRegistered', 'UserLoggedIn', 'PhoneNumberBound', 'UserLoggedIn', 'UserMerged']);
    expect((await there.logIn({ appId: app2, openid: o2, unionid, now: now() })).user.id).toBe(p1.id);
    expect(await holders(unionid)).toBe(1);
    // A command for the absorbed person finds nobody.
    await expect(here.updateProfile(p2.id, { nickname: 'x', avatarUrl: 'y' }, now())).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('follows a linked identity to the survivor when its person was merged away by another process', async () => {
    const unionid = `u-${randomUUID()}`;
    const [o0, o1, o2] = [`o-${randomUUID()}`, `o-${randomUUID()}`, `o-${randomUUID()}`];
    const p0 = (await here.logIn({ appId: app1, openid: o0, now: now() })).user;
    const p1 = (await here.logIn({ appId: app2, openid: o1, unionid, now: now() })).user;
    // `there` links o2 to p1 and remembers where it logs in.
    expect((await there.logIn({ appId: app1, openid: o2, unionid, now: now() })).user.id).toBe(p1.id);
    expect((await there.logIn({ appId: app1, openid: o2, unionid, now: now() })).user.id).toBe(p1.id);
    // p0 (registered first) now brings the unionid: `here` merges p1 into it.
    expect((await here.logIn({ appId: app1, openid: o0, unionid, now: now() })).absorbed?.id).toBe(p1.id);
    const again = await there.logIn({ appId: app1, openid: o2, unionid, now: now() });
    expect(again.user.id).toBe(p0.id);
    expect(again.user.identities).toHaveLength(3);
  });

  it('refuses a number another person holds, or merges with PHONE_CONFLICT=merge when the unionids do not differ', async () => {
    const phone = `137${String(clock).slice(-8)}`;
    const a = (await here.logIn({ appId: app1, openid: `o-${randomUUID()}`, now: now() })).user;
    const b = (await here.logIn({ appId: app2, openid: `o-${randomUUID()}`, unionid: `u-${randomUUID()}`, now: now() })).user;
    await here.bindPhone(a.id, { phone, countryCode: '86' }, now());
    await expect(here.bindPhone(b.id, { phone, countryCode: '86' }, now())).rejects.toMatchObject({ code: 'PHONE_NUMBER_TAKEN' });
    const merging = new Users(createUserEventStore(db), { phoneConflict: 'merge' });
    const survivor = await merging.bindPhone(b.id, { phone, countryCode: '86' }, now());
    expect(survivor).toMatchObject({ id: a.id, phone, unionid: b.unionid });
    expect(await merging.findById(b.id)).toMatchObject({ mergedInto: a.id });
    // Two known, different unionids are two humans: refused even under `merge`.
    const c = (await here.logIn({ appId: app1, openid: `o-${randomUUID()}`, unionid: `u-${randomUUID()}`, now: now() })).user;
    await expect(merging.bindPhone(c.id, { phone, countryCode: '86' }, now())).rejects.toMatchObject({ code: 'PHONE_NUMBER_TAKEN' });
  });

  it('erases every person merged into the erased one, with their keys and identities', async () => {
    const unionid = `u-${randomUUID()}`;
    const [o1, o2] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
    const p1 = (await here.logIn({ appId: app1, openid: o1, now: now() })).user;
    const p2 = (await here.logIn({ appId: app2, openid: o2, unionid, now: now() })).user;
    await here.sessionKeys.save(app2, o2, 'c2Vzc2lvbi1rZXktMTIzNA==');
    await here.logIn({ appId: app1, openid: o1, unionid, now: now() });
    expect(await here.absorbedInto(p1.id)).toEqual([p2.id]);
    await here.erase(p1.id, now());
    expect(await here.findById(p2.id)).toMatchObject({ erasedAt: expect.any(Date) });
    const keys = await db.query('SELECT subject FROM personal_data_keys WHERE subject = ANY($1::text[])', [[userStreamId(p1.id), userStreamId(p2.id)]]);
    expect(keys.rows).toEqual([]);
    expect(await here.sessionKeys.get(app2, o2)).toBeNull();
    expect((await db.query('SELECT * FROM user_identities WHERE user_id = ANY($1::uuid[])', [[p1.id, p2.id]])).rows).toEqual([]);
    // Either identity comes back as a new person.
    expect((await here.logIn({ appId: app2, openid: o2, unionid, now: now() })).isNew).toBe(true);
  });

  it('gives one person for first logins of one human racing from two processes through two apps', async () => {
    for (let round = 0; round < 3; round++) {
      const unionid = `u-${randomUUID()}`;
      const [o1, o2] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? here : there).logIn({ appId: i % 4 < 2 ? app1 : app2, openid: i % 4 < 2 ? o1 : o2, unionid, now: now() })));
      expect(new Set(outcomes.map((outcome) => outcome.user.id)).size).toBe(1);
      expect(outcomes.filter((outcome) => outcome.isNew)).toHaveLength(1);
      expect(await holders(unionid)).toBe(1);
    }
  });

  it('loses neither a merge nor the logins racing it', async () => {
    const unionid = `u-${randomUUID()}`;
    const [o1, o2] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
    const p1 = (await here.logIn({ appId: app1, openid: o1, now: now() })).user;
    const p2 = (await here.logIn({ appId: app2, openid: o2, now: now() })).user;
    const logins = 16;
    await Promise.all(Array.from({ length: logins }, (_, i) =>
      (i % 2 === 0 ? here : there).logIn({ appId: i % 4 < 2 ? app1 : app2, openid: i % 4 < 2 ? o1 : o2, unionid, now: now() })));
    expect(await here.findById(p2.id)).toMatchObject({ mergedInto: p1.id });
    expect((await here.findById(p1.id))!.identities).toHaveLength(2);
    const logged = [...(await typesOf(p1.id)), ...(await typesOf(p2.id))].filter((type) => type === 'UserLoggedIn');
    expect(logged).toHaveLength(2 + logins);
  });

  it('rebuilds users and user_identities exactly as they were written live', async () => {
    const tables = async () => ({
      users: (await db.query('SELECT * FROM users ORDER BY id')).rows,
      identities: (await db.query('SELECT * FROM user_identities ORDER BY app_id, openid')).rows,
    });
    const live = await tables();
    await here.rebuild();
    expect(await tables()).toEqual(live);
  });
});
