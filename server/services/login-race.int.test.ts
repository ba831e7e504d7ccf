// Two server processes (two apps, two pools, one PostgreSQL schema) racing on one user.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

describe('logins racing on two app instances', () => {
  let h: AppHarness;
  let other: FastifyInstance;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
    other = await h.another();
  });
  afterAll(() => h.close());

  const login = (app: FastifyInstance, code: string) => h.inject({ method: 'POST', url: '/wx/login', payload: { code } }, app);

  it('registers a user once when two first logins race', async () => {
    for (let round = 0; round < 3; round++) {
      const { openid } = await h.device.createUser();
      const [codeA, codeB] = [await h.device.login(openid), await h.device.login(openid)];
      const [a, b] = await Promise.all([login(h.app, codeA), login(other, codeB)]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(a.json().user.id).toBe(b.json().user.id);
      expect([a.json().isNew, b.json().isNew].sort()).toEqual([false, true]);
      const { rows } = await h.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE type = 'UserRegistered' AND data->>'openid' = $1",
        [openid],
      );
      expect(Number(rows[0]?.n)).toBe(1);
    }
  });

  it('answers one code sent to both instances at once with one login, not 40163', async () => {
    const { code } = await h.newUser();
    const before = { registered: await h.countEvents('UserRegistered'), loggedIn: await h.countEvents('UserLoggedIn') };
    const [a, b] = await Promise.all([login(h.app, code), login(other, code)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json()).toMatchObject({ isNew: true, user: b.json().user });
    expect(b.json().isNew).toBe(true);
    expect(await h.countEvents('UserRegistered')).toBe(before.registered + 1);
    expect(await h.countEvents('UserLoggedIn')).toBe(before.loggedIn + 1);
  });
});
