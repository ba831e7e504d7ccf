// Every kind of user command (logins through a second app too), racing on the same few users from two processes (two pools on
// PostgreSQL; PGlite has one connection, so there they only interleave). Whatever the order the
// races settle in, the users table must be exactly what the log rebuilds, every row must sit on
// the snapshot path (its stream_version is its stream's version), and the fold of each stream
// must be the row.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../../testing/databases.js';
import { AppError } from '../errors.js';
import { readStream } from '../store/read.js';
import { readSnapshot } from '../store/snapshots.js';
import { stateFrom } from './decider.js';
import type { UserEvent } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import type { User } from './user.js';
import { userStream } from './user-stream.js';
import { createUserEventStore, Users } from './users.js';
import { mulberry32 } from '../../testing/prng.js';

const appId = 'wx-app-race';
const secondApp = 'wx-app-race-b';
const USERS = 3;
const COMMANDS_PER_PROCESS = 60;

type Step = (users: Users, openid: string, now: Date) => Promise<unknown>;

const STEPS: Step[] = [
  (users, openid, now) => users.logIn({ appId, openid, now }),
  (users, openid, now) => users.logIn({ appId, openid, unionid: `union-${openid}`, now }),
  // The same human through a second app: linked to the person, or registered and merged later.
  (users, openid, now) => users.logIn({ appId: secondApp, openid: `${openid}-b`, unionid: `union-${openid}`, now }),
  (users, openid, now) => users.logIn({ appId, openid, profile: { nickname: `n-${now.getTime() % 7}`, avatarUrl: 'https://a/p.png' }, now }),
  (users, openid, now) => users.updateProfile(userIdFor(appId, openid), { nickname: `p-${now.getTime() % 5}`, avatarUrl: 'https://a/q.png' }, now),
  (users, openid, now) => users.bindPhone(userIdFor(appId, openid), { phone: `1380000000${now.getTime() % 3}`, countryCode: '86' }, now),
  (users, openid, now) => users.revokeSessions(userIdFor(appId, openid), now),
  (users, openid, now) => users.erase(userIdFor(appId, openid), now),
];

/** Runs one process's commands; refusals the domain may give (unknown or erased user, a number another holds) are expected. */
async function run(users: Users, openids: readonly string[], seed: number): Promise<number> {
  const random = mulberry32(seed);
  let refused = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z') + seed;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < COMMANDS_PER_PROCESS / 4; i++) {
        const openid = openids[Math.floor(random() * openids.length)]!;
        const step = STEPS[Math.floor(random() * STEPS.length)]!;
        try {
          await step(users, openid, new Date((clock += 1_000)));
        } catch (error) {
          if (!(error instanceof AppError) || !['USER_NOT_FOUND', 'USER_ERASED', 'PHONE_NUMBER_TAKEN'].includes(error.code)) throw error;
          refused += 1;
        }
      }
    }),
  );
  return refused;
}

describe.each(databaseTargets())('user commands racing from two processes on $name', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db?.close());

  it('leaves the users table equal to its rebuild, every row current, and the row agreeing with the log', async () => {
    const openids = Array.from({ length: USERS }, () => `o-${randomUUID()}`);
    const here = new Users(createUserEventStore(db));
    const there = new Users(createUserEventStore(await db.connectAgain()));
    // Everyone exists first, so that most commands act rather than being refused.
    for (const openid of openids) await here.logIn({ appId, openid, now: new Date('2025-12-31T00:00:00Z') });

    const refused = await Promise.all([run(here, openids, 1), run(there, openids, 2)]);
    // Not every command was refused (else this proves nothing): the users exist from the start,
    // and an erasure is followed by a login again in 3 of 7 steps.
    expect(refused[0] + refused[1]).toBeLessThan(COMMANDS_PER_PROCESS * 2);

    const ids = openids.flatMap((openid) => [userIdFor(appId, openid), userIdFor(secondApp, `${openid}-b`)]);
    const table = async () => ({
      users: (await db.query('SELECT * FROM users WHERE id = ANY($1::uuid[]) ORDER BY id', [ids])).rows,
      identities: (await db.query('SELECT * FROM user_identities WHERE user_id = ANY($1::uuid[]) ORDER BY app_id, openid', [ids])).rows,
    });
    const live = await table();
    expect(live.users.filter((row) => row['app_id'] === appId)).toHaveLength(USERS);
    // One live person per human.
    for (const openid of openids) {
      const holders = await db.query('SELECT id FROM users WHERE unionid = $1 AND erased_at IS NULL AND merged_into IS NULL', [`union-${openid}`]);
      expect(holders.rows.length).toBeLessThanOrEqual(1);
    }
    for (const id of ids) {
      if (!live.users.some((row) => row['id'] === id)) continue; // a second-app identity only ever linked
      const snapshot = await readSnapshot<User>(db, userStream, userStreamId(id));
      expect(snapshot.from, `the row of ${id} is current`).toBe('row');
      const stream = await readStream(db, userStreamId(id));
      expect(snapshot.version).toBe(stream.version);
      expect(snapshot.state).toEqual(stateFrom(stream.events as unknown as UserEvent[]));
    }
    // The second app's logins linked or merged (else the race proves little of persons).
    const joined = await db.query(
      "SELECT count(*)::int AS n FROM events WHERE type IN ('IdentityLinked', 'UserMerged') AND stream_id = ANY($1::text[])",
      [ids.map(userStreamId)],
    );
    expect(joined.rows[0]!['n']).toBeGreaterThan(0);
    await here.rebuild();
    expect(await table()).toEqual(live);
  });
});
