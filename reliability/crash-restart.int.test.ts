// Issue 10, a server process killed with SIGKILL under load and started again. Two processes
// share one schema; clients whose request died with process A retry the same code on B (as a
// load balancer would), and take a fresh code when told it was used. Afterwards every login
// answered 200 is in the log, the projection equals a rebuild, and nothing is half-written.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLoginCode } from '../server/services/login-codes.js';
import { openThrowawaySchema, type ThrowawaySchema } from './testing/databases.js';
import { isTypedError, login, reportFigure, type Answer, type NoAnswer } from './testing/http.js';
import { auditLog, rebuildAndCompare } from './testing/log-audit.js';
import { startProcessWorld, type ProcessWorld } from './testing/process-world.js';
import type { ServerProcess } from './testing/server-process.js';

const LANES = 8;
const WECHAT_TIMEOUT_MS = 2_000;
// A retried code the killed process had claimed waits this long for its outcome, then is "used".
const CLAIM_WAIT_MS = WECHAT_TIMEOUT_MS + 2_000;
const USERS = 40;
// Under load: A has acknowledged this many logins and has requests in flight when it is killed;
// the replacement has acknowledged as many before the load stops.
const SERVED = 20;

interface Attempt {
  openid: string;
  code: string;
  server: string;
  /** The process it went to; none when the balancer had none for A. */
  process: ServerProcess | undefined;
  sentAt: number;
  answer: Answer | NoAnswer;
}

/** Polls (real time) until `condition` holds; `what` names it if it never does. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`never happened within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a server process killed with SIGKILL under load', () => {
  let world: ProcessWorld;
  let schema: ThrowawaySchema;
  // The processes behind the "load balancer"; A is killed and replaced.
  const pool: Record<'A' | 'B', ServerProcess | undefined> = { A: undefined, B: undefined };
  const attempts: Attempt[] = [];
  const inFlight = new Map<ServerProcess, number>();
  const env = { WECHAT_TIMEOUT_MS: String(WECHAT_TIMEOUT_MS) };
  const acknowledgedBy = (server: ServerProcess) => attempts.filter((a) => a.process === server && a.answer.status === 200).length;

  beforeAll(async () => {
    world = await startProcessWorld();
    schema = await openThrowawaySchema();
    [pool.A, pool.B] = await Promise.all([world.startServer('A', schema.url, env), world.startServer('B', schema.url, env)]);
  });
  afterAll(async () => {
    await world?.close();
    await schema?.db.close();
  });

  /** One person logging in: retries a dead process's code on the other, a used code with a fresh one. */
  async function logInOnce(openid: string): Promise<void> {
    for (let fresh = 0; fresh < 3; fresh++) {
      const code = await world.codeFor(openid);
      let target: 'A' | 'B' = Math.random() < 0.5 ? 'A' : 'B';
      for (let tries = 0; tries < 4; tries++) {
        const server = pool[target];
        const sentAt = performance.now();
        if (server) inFlight.set(server, (inFlight.get(server) ?? 0) + 1);
        const answer: Answer | NoAnswer = server ? await login(world.watch, server.url, code) : { status: 0, error: 'no process', ms: 0 };
        if (server) inFlight.set(server, inFlight.get(server)! - 1);
        attempts.push({ openid, code, server: server?.name ?? target, process: server, sentAt, answer });
        if (answer.status === 200) return;
        if (answer.status !== 0) break; // a typed refusal: a fresh code
        target = target === 'A' ? 'B' : 'A';
      }
    }
  }

  it('keeps every acknowledged login, leaves no half-written user, and rebuilds to the same table', { timeout: 120_000 }, async () => {
    const openids = await Promise.all(Array.from({ length: USERS }, () => world.newUser()));
    let running = true;
    const lanes = Array.from({ length: LANES }, async () => {
      while (running) await logInOnce(openids[Math.floor(Math.random() * openids.length)]!);
    });

    const victim = pool.A!;
    let restartMs: number;
    try {
      // Killed under load, whatever the machine's speed: once it has served, with requests in flight.
      await until(() => acknowledgedBy(victim) >= SERVED && (inFlight.get(victim) ?? 0) >= 2, 'A serving, with requests in flight');
      await victim.kill();
      pool.A = undefined;
      const killedAt = performance.now();
      pool.A = await world.startServer('A', schema.url, env);
      restartMs = performance.now() - killedAt;
      const replacement = pool.A;
      await until(() => acknowledgedBy(replacement) >= SERVED, 'the replacement serving');
    } finally {
      running = false;
      await Promise.all(lanes);
    }
    // Codes sent to A before it died and never answered: lost with the process.
    const inFlightAtKill = new Set(attempts.filter((a) => a.process === victim && a.answer.status === 0).map((a) => a.code));
    expect(inFlightAtKill.size, 'requests the kill cut').toBeGreaterThan(0);

    // Answers: 200s; no answer only from the killed process; refusals only "code used" (a code
    // the dead process had claimed or spent), typed; never a 500. A refusal comes once the wait
    // is over: it takes the wait and no more than a login took in the same run (3 s at least),
    // so a loaded machine stretches the bound as it stretches the logins.
    const slowestLogin = Math.max(...attempts.filter((a) => a.answer.status === 200).map((a) => a.answer.ms));
    for (const { process, answer } of attempts) {
      if (answer.status === 200 || (answer.status === 0 && (process === victim || process === undefined))) continue;
      expect(answer.status, JSON.stringify(answer)).toBe(400);
      expect(isTypedError((answer as Answer).body)).toBe(true);
      expect((answer as Answer).body?.['error']).toBe('WECHAT_CODE_USED');
      expect(answer.ms).toBeLessThan(CLAIM_WAIT_MS + Math.max(3_000, slowestLogin));
    }

    const audit = await auditLog(schema.db);
    expect(audit.problems).toEqual([]);
    // Every acknowledged login (a code answered 200, perhaps replayed on a retry) is in the log.
    const acknowledged = new Map<string, Set<string>>();
    for (const { code, answer } of attempts) {
      if (answer.status !== 200) continue;
      const userId = ((answer as Answer).body!['user'] as { id: string }).id;
      acknowledged.set(userId, (acknowledged.get(userId) ?? new Set()).add(code));
    }
    for (const [userId, codes] of acknowledged) {
      expect(audit.streams.get(userId)?.loggedIn ?? 0, `logins of ${userId}`).toBeGreaterThanOrEqual(codes.size);
    }
    // Claims left unfinished belong to codes the killed process was working on, nothing else.
    const { rows: pending } = await schema.db.query<{ code_hash: string }>('SELECT code_hash FROM login_codes WHERE user_id IS NULL');
    const inFlightHashes = new Set([...inFlightAtKill].map((code) => hashLoginCode(world.credentials.app.appId, code)));
    for (const { code_hash: hash } of pending) expect(inFlightHashes.has(hash)).toBe(true);

    const { live, rebuilt, users } = await rebuildAndCompare(schema.db);
    expect(users).toBe(audit.streams.size);
    expect(rebuilt).toBe(live);

    const ok = new Set(attempts.filter((a) => a.answer.status === 200).map((a) => a.code)).size;
    reportFigure('SIGKILL: logins acknowledged / requests cut by the kill / codes answered "used"', `${ok} / ${attempts.filter((a) => a.answer.status === 0).length} / ${attempts.filter((a) => a.answer.status === 400).length}`);
    reportFigure('SIGKILL: kill → replacement process listening', restartMs!, 'ms');
  });

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await world.leaks([schema.db]);
    expect(world.watch.counts()).toMatchObject({ log: expect.toSatisfy((n: number) => n > 500), event: expect.toSatisfy((n: number) => n > 100) });
    expect(leaks).toEqual([]);
  });
});
