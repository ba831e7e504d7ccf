// Issue 10, rate limits under bursts: two server processes behind a proxy they trust
// (TRUST_PROXY), counting in one Redis. A burst from one address, spread over both processes,
// lets exactly the limit through; so does a burst of one WeChat user from many addresses.
// The refused write nothing; other addresses and users are not held up.

import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openThrowawaySchema, type ThrowawaySchema } from './testing/databases.js';
import { eventually } from '../testing/eventually.js';
import { call, isAnswer, isTypedError, login, type Answer } from './testing/http.js';
import { auditLog } from './testing/log-audit.js';
import { startProcessWorld, type ProcessWorld } from './testing/process-world.js';
import type { ServerProcess } from './testing/server-process.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// Counters live a minute (the limiter's window): each burst below takes a second or two even on
// a busy machine, so it falls in one window with room to spare.
const PER_ADDRESS = 10;
const PER_OPENID = 3;
// Redis keeps counters between runs: every run uses addresses of its own.
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('login rate limits under bursts, shared by two processes', () => {
  let world: ProcessWorld;
  let schema: ThrowawaySchema;
  let servers: ServerProcess[];

  beforeAll(async () => {
    world = await startProcessWorld();
    schema = await openThrowawaySchema();
    const env = { LOGIN_RATE_LIMIT: String(PER_ADDRESS), LOGIN_RATE_LIMIT_PER_OPENID: String(PER_OPENID), REDIS_URL, TRUST_PROXY: '127.0.0.1' };
    servers = await Promise.all([world.startServer('A', schema.url, env), world.startServer('B', schema.url, env)]);
    // A process gives its limiter's Redis client up to a second before it listens, and counts
    // nothing until the client is connected: on a busy machine, wait until each one counts.
    for (const server of servers) await eventually(async () => expect(await countsInRedis(server)).toBe(true));
  });
  afterAll(async () => {
    await world?.close();
    await schema?.db.close();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });

  /** A body-less login from a new address: counted, it leaves one login fewer for that address. */
  async function countsInRedis(server: ServerProcess): Promise<boolean> {
    const answer = await call(world.watch, server.url, 'POST', '/wx/login', { body: {}, headers: from(randomAddress()) });
    return isAnswer(answer) && answer.headers.get('x-ratelimit-remaining') === String(PER_ADDRESS - 1);
  }

  function expectLimited(answer: Answer): void {
    expect(answer.status, answer.text).toBe(429);
    expect(isTypedError(answer.body)).toBe(true);
    expect(answer.body).toMatchObject({ code: 0, error: 'RATE_LIMITED', retryable: true });
    const wait = Number(answer.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
  }

  it('lets exactly the limit through from one address, on both processes together, and spends no refused code', async () => {
    const address = randomAddress();
    const people = await Promise.all(Array.from({ length: PER_ADDRESS * 4 }, async () => {
      const openid = await world.newUser();
      return { openid, code: await world.codeFor(openid) };
    }));
    const bystander = await world.newUser();
    const [burst, other] = await Promise.all([
      Promise.all(people.map(({ code }, i) => login(world.watch, servers[i % 2]!.url, code, from(address)))),
      login(world.watch, servers[0]!.url, await world.codeFor(bystander), from(randomAddress())),
    ]);
    expect(other.status).toBe(200); // another address is not held up by the burst

    const answers = burst as Answer[];
    const passed = answers.filter((answer) => answer.status === 200);
    expect(passed).toHaveLength(PER_ADDRESS);
    for (const answer of answers.filter((each) => each.status !== 200)) expectLimited(answer);

    const audit = await auditLog(schema.db);
    expect(audit.problems).toEqual([]);
    expect(audit.streams.size).toBe(PER_ADDRESS + 1);
    // Refused before the exchange: their codes are still good, from anywhere else.
    const refused = people.filter((_, i) => answers[i]!.status === 429).slice(0, 3);
    for (const { code } of refused) expect((await login(world.watch, servers[1]!.url, code, from(randomAddress()))).status).toBe(200);
  });

  it('lets exactly the limit through for one WeChat user logging in from many addresses, writing nothing for the rest', async () => {
    const openid = await world.newUser();
    const codes = await Promise.all(Array.from({ length: PER_OPENID * 4 }, () => world.codeFor(openid)));
    const answers = (await Promise.all(codes.map((code, i) => login(world.watch, servers[i % 2]!.url, code, from(randomAddress()))))) as Answer[];
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(PER_OPENID);
    for (const answer of answers.filter((each) => each.status !== 200)) expectLimited(answer);

    const userId = ((answers.find((answer) => answer.status === 200)!.body!['user']) as { id: string }).id;
    const audit = await auditLog(schema.db);
    expect(audit.problems).toEqual([]);
    expect(audit.streams.get(userId)).toMatchObject({ registered: 1, loggedIn: PER_OPENID });
    const { rows } = await schema.db.query('SELECT 1 FROM login_codes WHERE user_id IS NULL');
    expect(rows).toEqual([]);
    // Another user is not affected.
    const someoneElse = await world.newUser();
    expect((await login(world.watch, servers[0]!.url, await world.codeFor(someoneElse), from(randomAddress()))).status).toBe(200);
  });

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await world.leaks([schema.db]);
    expect(world.watch.counts()).toMatchObject({ log: expect.toSatisfy((n: number) => n > 100), event: expect.toSatisfy((n: number) => n > 10) });
    expect(leaks).toEqual([]);
  });
});
