// The user snapshot on both stores: a command decides from the `users` row when its
// stream_version is the stream's, else from a fold of the stream, and its one-statement write
// (events, row, personal-data key, erasure's deletions) brings the row back to the stream.
// Everything goes through `Users`, as the routes do; the tables are read directly to check.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import type { AppendPart } from '../store/append.js';
import type { Database, Queryable } from '../store/database.js';
import { ConcurrencyError } from '../store/errors.js';
import { readStream } from '../store/read.js';
import type { StreamKey } from '../store/sealing.js';
import { readSnapshot, type Snapshot } from '../store/snapshots.js';
import { decide, evolve } from './decider.js';
import type { UserEvent } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import { saveSessionKeyPart } from './session-keys.js';
import type { User } from './user.js';
import { userStream } from './user-stream.js';
import { createUserEventStore, Users } from './users.js';

type UserSnapshot = Snapshot<User>;
type PersonalDataKey = StreamKey;

const appId = 'wx-app-snapshot';
const newOpenid = (): string => `o-${randomUUID()}`;
let clock = Date.parse('2025-06-01T00:00:00.000Z');
const now = (): Date => new Date((clock += 1_000));

const snapshotOf = (q: Queryable, userId: string): Promise<UserSnapshot> => readSnapshot<User>(q, userStream, userStreamId(userId));

/** What the stream alone says: its version, and the users row folded from it. */
type Fold = Pick<UserSnapshot, 'version' | 'state'>;

const openedEvents = async (q: Queryable, userId: string): Promise<UserEvent[]> =>
  (await readStream(q, userStreamId(userId))).events as unknown as UserEvent[];

async function foldOf(q: Queryable, userId: string): Promise<Fold> {
  const stream = await readStream(q, userStreamId(userId));
  return { version: stream.version, state: (stream.events as unknown as UserEvent[]).reduce(evolve, null) };
}

async function keysOf(q: Queryable, userId: string): Promise<PersonalDataKey[]> {
  const { rows } = await q.query<{ key_id: string; secret: Uint8Array }>(
    'SELECT key_id, secret FROM personal_data_keys WHERE subject = $1',
    [userStreamId(userId)],
  );
  return rows.map((row) => ({ keyId: row.key_id, secret: Buffer.from(row.secret) }));
}

async function storedStreamVersion(q: Queryable, userId: string): Promise<number | null> {
  const { rows } = await q.query<{ stream_version: string | number | null }>('SELECT stream_version FROM users WHERE id = $1', [
    userId,
  ]);
  const version = rows[0]?.stream_version;
  return version === null || version === undefined ? null : Number(version);
}

async function typesOf(q: Queryable, userId: string): Promise<string[]> {
  return (await openedEvents(q, userId)).map((event) => event.type);
}

const isRedacted = (event: UserEvent): boolean => 'redacted' in event.data;

// Notes which transaction deletes a personal-data key or a session_key (throwaway schema only),
// to compare with the transaction of UserErased.
const NOTE_DELETIONS_SQL = `
CREATE TABLE IF NOT EXISTS deleted_rows (
  what text NOT NULL, subject text NOT NULL, tx xid8 NOT NULL DEFAULT pg_current_xact_id());
CREATE OR REPLACE FUNCTION note_key_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO deleted_rows (what, subject) VALUES ('personal_data_key', OLD.subject); RETURN OLD; END $$;
CREATE OR REPLACE FUNCTION note_session_key_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO deleted_rows (what, subject) VALUES ('session_key', OLD.openid); RETURN OLD; END $$;
DROP TRIGGER IF EXISTS note_key_deleted ON personal_data_keys;
CREATE TRIGGER note_key_deleted AFTER DELETE ON personal_data_keys
  FOR EACH ROW EXECUTE FUNCTION note_key_deleted();
DROP TRIGGER IF EXISTS note_session_key_deleted ON session_keys;
CREATE TRIGGER note_session_key_deleted AFTER DELETE ON session_keys
  FOR EACH ROW EXECUTE FUNCTION note_session_key_deleted();`;

async function deletionsOf(q: Queryable, subjects: string[]): Promise<{ what: string; tx: string }[]> {
  const { rows } = await q.query<{ what: string; tx: string }>(
    'SELECT what, tx::text AS tx FROM deleted_rows WHERE subject = ANY($1::text[]) ORDER BY what',
    [subjects],
  );
  return rows;
}

/**
 * Holds each process's first snapshot read after `arm()` until the other process has read too,
 * so that two racers surely decide from the same version. Wraps a database; the rest passes.
 */
function bothReadFirst() {
  let arrived = 0;
  let release: () => void = () => undefined;
  let released = Promise.resolve();
  const waiting = new Set<object>();
  return {
    arm(): void {
      arrived = 0;
      released = new Promise<void>((resolve) => (release = resolve));
      waiting.clear();
    },
    wrap<D extends Database>(inner: D): D {
      const marker = {};
      const gated = async (...args: Parameters<Database['query']>) => {
        const result = await inner.query(...args);
        const isSnapshotRead = args[2]?.name?.startsWith('miniauth_snapshot_') === true;
        if (isSnapshotRead && !waiting.has(marker) && arrived < 2) {
          waiting.add(marker);
          if (++arrived === 2) release();
          await released;
        }
        return result;
      };
      return { ...inner, query: gated as Database['query'] };
    },
  };
}

describe.each(databaseTargets())('user snapshot on $name', (target) => {
  let db: TestDatabase;
  let users: Users;

  beforeAll(async () => {
    db = await target.open();
    users = new Users(createUserEventStore(db));
  });
  afterAll(() => db?.close());

  /** The snapshot is read from the row, and equals the table, the stream and its fold. */
  async function expectOnRowPath(userId: string): Promise<UserSnapshot> {
    const snapshot = await snapshotOf(db, userId);
    const fold = await foldOf(db, userId);
    expect(snapshot.from).toBe('row');
    expect(snapshot.state).toEqual(await users.findById(userId));
    expect(snapshot.state).toEqual(fold.state);
    expect(snapshot.version).toBe((await users.store.readStream(userStreamId(userId))).version);
    expect(snapshot.version).toBe(fold.version);
    expect(snapshot.key === undefined ? [] : [snapshot.key]).toEqual(await keysOf(db, userId));
    expect(await storedStreamVersion(db, userId)).toBe(snapshot.version);
    return snapshot;
  }

  it('reads a user that never logged in as nothing, without reading the stream', async () => {
    const userId = userIdFor(appId, newOpenid());
    expect(await snapshotOf(db, userId)).toEqual({ version: 0, key: undefined, state: null, from: 'row' });
  });

  it('reads the row after a first login and each later command: version, row and key', async () => {
    const openid = newOpenid();
    const { user } = await users.logIn({
      appId,
      openid,
      unionid: 'u-snap',
      profile: { nickname: 'Snap', avatarUrl: 'https://img/snap.png' },
      now: now(),
    });
    const first = await expectOnRowPath(user.id);
    expect(first.version).toBe(3); // registered, profile, logged in
    expect(first.key).toBeDefined(); // unionid and profile are sealed

    await users.updateProfile(user.id, { nickname: 'Snap 2', avatarUrl: 'https://img/snap2.png' }, now());
    await expectOnRowPath(user.id);
    await users.bindPhone(user.id, { phone: '13800000001', countryCode: '86' }, now());
    await expectOnRowPath(user.id);
    await users.revokeSessions(user.id, now());
    await expectOnRowPath(user.id);
    await users.logIn({ appId, openid, unionid: 'u-snap-new', now: now() });
    const last = await expectOnRowPath(user.id);
    expect(last.version).toBe(7);
    expect(last.key).toEqual(first.key); // one key for the stream's life
    expect(last.state).toMatchObject({
      unionid: 'u-snap-new',
      nickname: 'Snap 2',
      phone: '13800000001',
      tokenVersion: 1,
      loginCount: 2,
    });
  });

  it('has no key until an event carries personal data, then creates it with that event', async () => {
    const { user } = await users.logIn({ appId, openid: newOpenid(), now: now() });
    expect((await expectOnRowPath(user.id)).key).toBeUndefined();
    await users.revokeSessions(user.id, now());
    expect((await expectOnRowPath(user.id)).key).toBeUndefined();
    await users.bindPhone(user.id, { phone: '13800000002', countryCode: '86' }, now());
    const snapshot = await expectOnRowPath(user.id);
    expect(snapshot.key).toBeDefined();
    expect((await openedEvents(db, user.id)).at(-1)).toMatchObject({ type: 'PhoneNumberBound', data: { phone: '13800000002' } });
  });

  const drifts: { name: string; version: (actual: number) => number | null }[] = [
    { name: 'NULL (a row from before migration 011)', version: () => null },
    { name: 'one behind', version: (actual) => actual - 1 },
    { name: 'ahead', version: (actual) => actual + 5 },
    { name: '0', version: () => 0 },
  ];

  for (const drift of drifts) {
    it(`folds the stream when stream_version is ${drift.name}, and the next write repairs the row`, async () => {
      const openid = newOpenid();
      const { user } = await users.logIn({ appId, openid, unionid: `u-${openid}`, now: now() });
      await users.updateProfile(user.id, { nickname: 'Drift', avatarUrl: 'https://img/drift.png' }, now());
      // A number of its own: one live person holds a number.
      await users.bindPhone(user.id, { phone: `1380000001${drifts.indexOf(drift)}`, countryCode: '86' }, now());
      const good = await expectOnRowPath(user.id);

      // The row also drifted in content: the stream, not the row, must be what is decided from.
      await db.query("UPDATE users SET stream_version = $2, login_count = 999, nickname = 'stale' WHERE id = $1", [
        user.id,
        drift.version(good.version),
      ]);
      const fromStream = await snapshotOf(db, user.id);
      expect(fromStream).toEqual({ ...good, from: 'stream' });

      const again = await users.logIn({ appId, openid, now: now() });
      expect(again.user).toMatchObject({ nickname: 'Drift', loginCount: 2 });
      const repaired = await expectOnRowPath(user.id);
      expect(repaired.version).toBe(good.version + 1);
      expect(repaired.state).toEqual(again.user);
    });
  }

  it('repairs a drifted row with any command that writes events, not only a login', async () => {
    const { user } = await users.logIn({ appId, openid: newOpenid(), unionid: 'u-any', now: now() });
    await db.query('UPDATE users SET stream_version = NULL, token_version = 42 WHERE id = $1', [user.id]);
    expect((await snapshotOf(db, user.id)).from).toBe('stream');
    const revoked = await users.revokeSessions(user.id, now());
    expect(revoked.tokenVersion).toBe(1); // from the fold (0), not the drifted 42
    expect((await expectOnRowPath(user.id)).state).toEqual(revoked);
  });

  it('leaves every row on the row path after a rebuild', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const openid = newOpenid();
      const { user } = await users.logIn({ appId, openid, ...(i % 2 ? { unionid: `u-r${i}` } : {}), now: now() });
      ids.push(user.id);
      if (i === 1) await users.updateProfile(user.id, { nickname: 'R', avatarUrl: 'https://img/r.png' }, now());
      if (i >= 2) await users.erase(user.id, now());
      if (i === 3) await users.logIn({ appId, openid, unionid: 'u-r3-back', now: now() }); // back after erasure
    }
    await db.query('UPDATE users SET stream_version = NULL WHERE id = ANY($1::uuid[])', [ids.slice(0, 2)]);
    const before = await Promise.all(ids.map((id) => foldOf(db, id)));
    await users.rebuild();
    for (const [i, id] of ids.entries()) {
      const snapshot = await expectOnRowPath(id);
      expect(snapshot.state).toEqual(before[i]!.state);
    }
  });

  it('registers once and keeps one key when two processes race first logins with a unionid', async () => {
    // Both processes read the user's snapshot before either may write, every round: each
    // process's first read of a round waits for the other's, so both decide from the same
    // stream and one of them must lose that round.
    const gate = bothReadFirst();
    const here = new Users(createUserEventStore(gate.wrap(db)));
    const other = new Users(createUserEventStore(gate.wrap(await db.connectAgain())));
    // A part's SQL is composed once per attempt: attempts beyond one per login were lost races.
    let attempts = 0;
    let logins = 0;
    const counting = { parts: [{ sql: (_param: unknown, when: string) => (attempts++, `SELECT 1 WHERE ${when}`) }] };
    for (let round = 0; round < 5; round++) {
      const openid = newOpenid();
      const userId = userIdFor(appId, openid);
      const racers = round < 4 ? 2 : 8;
      gate.arm();
      const login = (i: number) =>
        (i % 2 ? other : here).logIn(
          {
            appId,
            openid,
            unionid: `u-race-${round}`,
            // A profile each: every login then also carries sealed data.
            profile: { nickname: `racer ${i}`, avatarUrl: `https://img/racer-${i}.png` },
            now: now(),
          },
          undefined,
          counting,
        );
      const answers = await Promise.all(Array.from({ length: racers }, (_, i) => login(i)));
      logins += racers;
      const message = `round ${round}`;
      expect(answers.map((a) => a.user.id), message).toEqual(answers.map(() => userId));
      expect(answers.filter((a) => a.isNew), message).toHaveLength(1);
      const types = await typesOf(db, userId);
      expect(types.filter((t) => t === 'UserRegistered'), message).toHaveLength(1);
      expect(types.filter((t) => t === 'UserLoggedIn'), message).toHaveLength(racers);
      expect(await keysOf(db, userId), message).toHaveLength(1);
      const events = await openedEvents(db, userId);
      expect(events.filter(isRedacted), message).toEqual([]);
      expect(events[0], message).toMatchObject({ type: 'UserRegistered', data: { unionid: `u-race-${round}` } });
      for (const event of events.filter((e) => e.type === 'ProfileUpdated')) {
        expect(event.data, message).toMatchObject({ nickname: expect.stringMatching(/^racer \d$/) });
      }
      await expectOnRowPath(userId);
    }
    // The race did happen, once a round at least.
    expect(attempts).toBeGreaterThanOrEqual(logins + 5);
  });

  it('erases with the key and the session_key in the statement of UserErased, or not at all', async () => {
    const openid = newOpenid();
    const { user } = await users.logIn(
      { appId, openid, unionid: 'u-erase', profile: { nickname: 'Gone', avatarUrl: 'https://img/gone.png' }, now: now() },
      undefined,
      { parts: [saveSessionKeyPart(appId, openid, 'ZXJhc2Utc2Vzc2lvbi1rZXk=')] },
    );
    const [oldKey] = await keysOf(db, user.id);
    expect(oldKey).toBeDefined();
    expect(await users.sessionKeys.get(appId, openid)).toBe('ZXJhc2Utc2Vzc2lvbi1rZXk=');
    await db.exec(NOTE_DELETIONS_SQL);
    const subjects = [userStreamId(user.id), openid];
    const erase = { type: 'EraseUser' as const, data: { userId: user.id, now: now() } };
    const stillThere = async (): Promise<void> => {
      expect(await deletionsOf(db, subjects)).toEqual([]);
      expect(await keysOf(db, user.id)).toEqual([oldKey]);
      expect(await users.sessionKeys.get(appId, openid)).toBe('ZXJhc2Utc2Vzc2lvbi1rZXk=');
      expect(await typesOf(db, user.id)).not.toContain('UserErased');
      expect((await users.findById(user.id))?.erasedAt).toBeNull();
    };

    // The statement fails (a part beside it breaks a constraint): no deletion either.
    const failing: AppendPart = {
      sql: (param, when) =>
        `INSERT INTO login_codes (app_id, code_hash, expires_at) SELECT ${param(appId, 'text')}, 'h', NULL WHERE ${when}`,
    };
    await expect(users.handle(erase, { parts: [failing] })).rejects.toMatchObject({ code: '23502' });
    await stillThere();
    // The events are not inserted (a required part finds nothing): the deletions are gated by them.
    const nothing: AppendPart = { requiredByAppend: true, sql: () => 'SELECT 1 WHERE false' };
    const refused = users.store.handle<User, UserEvent>(userStreamId(user.id), (state) => decide(erase, state), { parts: [nothing], maxAttempts: 1 });
    await expect(refused).rejects.toBeInstanceOf(ConcurrencyError);
    await stillThere();

    await users.erase(user.id, now());
    expect(await keysOf(db, user.id)).toEqual([]);
    expect(await users.sessionKeys.get(appId, openid)).toBeNull();
    const stream = await users.store.readStream(userStreamId(user.id));
    const erased = stream.events.at(-1)!;
    expect(erased.type).toBe('UserErased');
    expect(await deletionsOf(db, subjects)).toEqual([
      { what: 'personal_data_key', tx: erased.transactionId },
      { what: 'session_key', tx: erased.transactionId },
    ]);
    const gone = await expectOnRowPath(user.id);
    expect(gone.key).toBeUndefined();
    expect(gone.state).toMatchObject({ erasedAt: expect.any(Date), unionid: null, nickname: null });

    // Back after erasure: registered again, with a fresh key that opens only the new events.
    const back = await users.logIn({ appId, openid, unionid: 'u-erase-back', now: now() });
    expect(back).toMatchObject({ isNew: true, user: { id: user.id, unionid: 'u-erase-back', erasedAt: null } });
    const [newKey] = await keysOf(db, user.id);
    expect(newKey).toBeDefined();
    expect(newKey!.keyId).not.toBe(oldKey!.keyId);
    expect(newKey!.secret.equals(oldKey!.secret)).toBe(false);
    expect((await expectOnRowPath(user.id)).key).toEqual(newKey);
    const opened = await openedEvents(db, user.id);
    const registrations = opened.filter((event) => event.type === 'UserRegistered');
    expect(registrations).toHaveLength(2);
    expect(registrations[0]!.data).toMatchObject({ redacted: true }); // sealed with the destroyed key
    expect(registrations[1]!.data).toMatchObject({ unionid: 'u-erase-back' });
    expect(registrations[1]!.data).not.toHaveProperty('redacted');
  });
});
