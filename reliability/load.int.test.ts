// Issue 10, load and concurrency: two server processes on one PostgreSQL schema, one
// simulator, 1,000 logins of 200 users. Each user logs in five times, in bursts of two (one
// code to each process, at the same moment) and one; bursts of all users run shuffled, so
// first logins race each other and returning logins of other users.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openThrowawaySchema, type ThrowawaySchema } from './testing/databases.js';
import { inParallel, isAnswer, login, reportFigure, type Answer, type NoAnswer } from './testing/http.js';
import { auditLog, rebuildAndCompare } from './testing/log-audit.js';
import { startProcessWorld, type ProcessWorld } from './testing/process-world.js';
import type { ServerProcess } from './testing/server-process.js';

const USERS = 200;
const BURSTS = [2, 2, 1]; // logins per burst: 5 per user, 1,000 in all
const CONCURRENT_BURSTS = 24;

interface Sent {
  openid: string;
  server: string;
  answer: Answer | NoAnswer;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

describe('two server processes under 1,000 logins of 200 users', () => {
  let world: ProcessWorld;
  let schema: ThrowawaySchema;
  let servers: ServerProcess[];
  const sent: Sent[] = [];

  beforeAll(async () => {
    world = await startProcessWorld();
    schema = await openThrowawaySchema();
    servers = await Promise.all([world.startServer('A', schema.url), world.startServer('B', schema.url)]);
  });
  afterAll(async () => {
    await world?.close();
    await schema?.db.close();
  });

  it('answers every login 200, registers each user once, and keeps the projection equal to a rebuild', { timeout: 180_000 }, async () => {
    const openids = await inParallel(Array.from({ length: USERS }), 20, () => world.newUser());
    // Codes first, so that the clock below times the logins alone.
    const bursts = shuffle(
      (await inParallel(openids, 20, async (openid) =>
        Promise.all(BURSTS.map(async (size) => ({ openid, codes: await Promise.all(Array.from({ length: size }, () => world.codeFor(openid))) }))),
      )).flat(),
    );

    const started = performance.now();
    await inParallel(bursts, CONCURRENT_BURSTS, async ({ openid, codes }) => {
      const first = Math.floor(Math.random() * servers.length);
      await Promise.all(codes.map(async (code, i) => {
        const server = servers[(first + i) % servers.length]!;
        sent.push({ openid, server: server.name, answer: await login(world.watch, server.url, code) });
      }));
    });
    const seconds = (performance.now() - started) / 1000;

    expect(sent).toHaveLength(USERS * 5);
    const failed = sent.filter(({ answer }) => answer.status !== 200);
    expect(failed.map(({ answer }) => (isAnswer(answer) ? answer.text : answer.error))).toEqual([]);
    expect(new Set(sent.map(({ server }) => server))).toEqual(new Set(['A', 'B']));

    // One user per openid, new on exactly one of its five answers.
    const byOpenid = new Map<string, Sent[]>();
    for (const each of sent) byOpenid.set(each.openid, [...(byOpenid.get(each.openid) ?? []), each]);
    for (const [openid, answers] of byOpenid) {
      const bodies = answers.map(({ answer }) => (answer as Answer).body!);
      expect(new Set(bodies.map((body) => (body['user'] as { id: string }).id)).size, openid).toBe(1);
      expect(bodies.filter((body) => body['isNew'] === true), openid).toHaveLength(1);
    }

    const audit = await auditLog(schema.db);
    expect(audit.problems).toEqual([]);
    expect(audit.streams.size).toBe(USERS);
    expect([...audit.streams.values()].every((stream) => stream.loggedIn === 5)).toBe(true);
    expect([...audit.users.values()].every((user) => user.loginCount === 5)).toBe(true);
    expect(new Set([...audit.users.values()].map((user) => user.openid))).toEqual(new Set(openids));

    const { live, rebuilt, users } = await rebuildAndCompare(schema.db);
    expect(users).toBe(USERS);
    expect(rebuilt).toBe(live);

    const latencies = sent.map(({ answer }) => answer.ms).sort((a, b) => a - b);
    reportFigure('load: logins per second (2 processes, 1,000 logins of 200 users)', sent.length / seconds, 'logins/s');
    reportFigure('load: login latency p50 / p95 / max', `${percentile(latencies, 0.5).toFixed(0)} / ${percentile(latencies, 0.95).toFixed(0)} / ${latencies.at(-1)!.toFixed(0)}`, 'ms');
  });

  it('lets no session_key, app secret or JWT secret reach an answer, a log line or an event', async () => {
    const leaks = await world.leaks([schema.db]);
    expect(world.watch.counts().log).toBeGreaterThan(2_000); // both processes' debug lines were captured
    expect(world.watch.secretCount()).toBe(USERS + 2);
    expect(leaks).toEqual([]);
  });
});
