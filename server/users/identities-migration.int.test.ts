// Migration 020 on a database written before it: the log and rows as the code before persons
// wrote them (personal fields sealed with the stream's key, the row with the columns of
// migrations 002–019), including the same human registered through two apps with one unionid,
// a number bound twice, and an erased user. The migration must apply, the rebuild must give the
// migrated tables, and logins afterwards must keep every history and merge the duplicates.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget, type TestDatabase } from '../../testing/databases.js';
import { appendToStream, type AppendPart } from '../store/append.js';
import { columnsOf, sqlValue } from '../store/columns.js';
import { loadMigrations, migrate } from '../store/migrate.js';
import { readStream } from '../store/read.js';
import { createKeyPart, destroyKeyPart, newStreamKey, sealEvent } from '../store/sealing.js';
import { stateFrom } from './decider.js';
import { PERSONAL_FIELDS, type UserEvent } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import { USER_COLUMNS, type User } from './user.js';
import { createUserEventStore, Users } from './users.js';

const NEW_FIELDS = new Set<keyof User>(['identities', 'unionidClaimed', 'phoneClaimed', 'mergedInto']);
const OLD_COLUMNS = columnsOf(USER_COLUMNS).filter(([field]) => !NEW_FIELDS.has(field));

describe('migration 020 on a log written before it', () => {
  let db: TestDatabase;
  const app1 = 'wx-migrate-1';
  const app2 = 'wx-migrate-2';
  const unionid = 'o-the-same-human';
  const at = (day: number) => new Date(Date.UTC(2025, 0, day)).toISOString();

  /** Appends the user's events and writes its row the way the code before migration 020 did. */
  async function writeAsBefore(userId: string, events: UserEvent[]): Promise<void> {
    const streamId = userStreamId(userId);
    const key = newStreamKey();
    const parts: AppendPart[] = [createKeyPart(streamId, key)];
    if (events.some((event) => event.type === 'UserErased')) parts.push(destroyKeyPart(streamId));
    const sealed = events.map((event) => sealEvent(event, PERSONAL_FIELDS[event.type], key, streamId));
    await appendToStream(db, streamId, 'no_stream', sealed, parts);
    const state = stateFrom(events) as unknown as Record<string, unknown>;
    const names = [...OLD_COLUMNS.map(([, column]) => column.name), 'stream_version'];
    const values = [...OLD_COLUMNS.map(([field, column]) => sqlValue(column.type, state[field])), events.length];
    await db.query(`INSERT INTO users (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, values);
  }

  const a = userIdFor(app1, 'o-a');
  const b = userIdFor(app2, 'o-b');
  const c = userIdFor(app1, 'o-c');
  const d = userIdFor(app1, 'o-d');

  beforeAll(async () => {
    db = await pgTarget.open({ migrate: false });
    await migrate(db, loadMigrations().filter((migration) => migration.version < 20));
    await writeAsBefore(a, [
      { type: 'UserRegistered', data: { userId: a, appId: app1, openid: 'o-a', unionid, at: at(1) } },
      { type: 'UserLoggedIn', data: { userId: a, at: at(1) } },
      { type: 'ProfileUpdated', data: { userId: a, nickname: 'Mei', avatarUrl: 'https://img/mei.png', source: 'fill_in', at: at(2) } },
      { type: 'PhoneNumberBound', data: { userId: a, phone: '13800000009', countryCode: '86', at: at(3) } },
    ]);
    // The same human through the second app, registered later, as a stranger.
    await writeAsBefore(b, [
      { type: 'UserRegistered', data: { userId: b, appId: app2, openid: 'o-b', unionid, at: at(4) } },
      { type: 'UserLoggedIn', data: { userId: b, at: at(4) } },
    ]);
    await writeAsBefore(c, [
      { type: 'UserRegistered', data: { userId: c, appId: app1, openid: 'o-c', unionid: 'o-erased', at: at(5) } },
      { type: 'UserErased', data: { userId: c, tokenVersion: 1, at: at(6) } },
    ]);
    // Another person with the same number (bound before numbers had one holder).
    await writeAsBefore(d, [
      { type: 'UserRegistered', data: { userId: d, appId: app1, openid: 'o-d', at: at(7) } },
      { type: 'PhoneNumberBound', data: { userId: d, phone: '13800000009', countryCode: '86', at: at(8) } },
    ]);
  });
  afterAll(() => db?.close());

  const tables = async () => ({
    users: (await db.query('SELECT * FROM users ORDER BY id')).rows,
    identities: (await db.query('SELECT * FROM user_identities ORDER BY app_id, openid')).rows,
  });

  it('applies over duplicates, and the rebuild gives exactly the migrated tables', async () => {
    expect(await migrate(db)).toEqual(['020_identities']);
    const migrated = await tables();
    expect(migrated.identities.map((row) => [row['app_id'], row['openid'], row['user_id']])).toEqual(
      [[app1, 'o-a', a], [app1, 'o-d', d], [app2, 'o-b', b]],
    );
    await new Users(createUserEventStore(db)).rebuild();
    expect(await tables()).toEqual(migrated);
  });

  it('logs in afterwards with the history intact, and merges the human registered twice', async () => {
    const users = new Users(createUserEventStore(db));
    const first = await users.logIn({ appId: app1, openid: 'o-a', unionid, now: new Date(at(10)) });
    expect(first.user).toMatchObject({ id: a, nickname: 'Mei', phone: '13800000009', unionid, unionidClaimed: true, loginCount: 2 });
    const second = await users.logIn({ appId: app2, openid: 'o-b', unionid, now: new Date(at(11)) });
    // The first registered survives; the second app now logs in as it.
    expect(second.user.id).toBe(a);
    expect(second.absorbed).toMatchObject({ id: b, mergedInto: a, tokenVersion: 1 });
    expect(second.user.identities).toEqual([{ appId: app1, openid: 'o-a' }, { appId: app2, openid: 'o-b' }]);

    const historyOfA = (await readStream(db, userStreamId(a))).events.map((event) => event.type);
    expect(historyOfA).toEqual(['UserRegistered', 'UserLoggedIn', 'ProfileUpdated', 'PhoneNumberBound', 'UserLoggedIn', 'PersonAbsorbed', 'UserLoggedIn']);
    const historyOfB = await readStream(db, userStreamId(b));
    expect(historyOfB.events.map((event) => event.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserMerged']);
    expect(historyOfB.events[0]!.data).toMatchObject({ unionid }); // still readable: its key stays

    // The erased user comes back as a new account; the other holder of the number keeps it unclaimed.
    expect((await users.logIn({ appId: app1, openid: 'o-c', now: new Date(at(12)) })).isNew).toBe(true);
    expect(await users.findById(d)).toMatchObject({ phone: '13800000009', phoneClaimed: false });

    const live = await tables();
    await users.rebuild();
    expect(await tables()).toEqual(live);
  });
});
