// Where a login's database time goes, step by step: the CPU this process (node) and the local
// PostgreSQL server spend per operation, each run with 16 in flight on a throwaway schema. The
// steps are the login service's own calls (claim, snapshot, the whole login's statements) beside
// the raw transaction of the login figure and two yardsticks (a bare SELECT, a one-row commit).
// PostgreSQL's CPU is read from /proc (utime + stime of every process named postgres), so it
// counts only when PostgreSQL runs on this machine; otherwise that column says n/a.
//
//   npx tsx bench/login-steps.ts [operations per step, default 3000]

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createLoginCodes, hashLoginCode } from '../server/services/login-codes.js';
import type { Database } from '../server/store/database.js';
import { openDatabase } from '../server/store/open-database.js';
import { migrate } from '../server/store/migrate.js';
import { readSnapshot } from '../server/store/snapshots.js';
import { createUserEventStore, saveSessionKeyPart, userIdFor, userStream, userStreamId, Users } from '../server/users/index.js';
import { rawLogins } from './login-raw.js';
import { NEW_USER_SHARE } from './login-codes.js';
import { benchSchemaName, dropSchema } from './schemas.js';

const IN_FLIGHT = 16;
const CLOCK_TICKS_PER_SECOND = 100;
const APP_ID = 'wx00000000000000st';

/** CPU (ms) used so far by each postgres process visible here, keyed by pid and start time. */
function postgresCpuMs(): Map<string, number> {
  const used = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (!stat.includes('(postgres)')) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    used.set(`${pid}:${fields[19]}`, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
  }
  return used;
}

/**
 * CPU (ms) PostgreSQL used between two readings: each process alive at the second, from the
 * first (or from its start). One that ended meanwhile (another session's backend, on a shared
 * server) takes its part with it: a sum over all processes would then drop, even below zero.
 */
function postgresCpuBetween(before: Map<string, number>, after: Map<string, number>): number | undefined {
  if (after.size === 0) return undefined;
  let used = 0;
  for (const [key, ms] of after) used += ms - (before.get(key) ?? 0);
  return used;
}

export interface StepCost {
  step: string;
  perSecond: number;
  nodeMicros: number;
  postgresMicros: number | undefined;
}

async function measure(step: string, operations: number, operation: (worker: number) => Promise<unknown>): Promise<StepCost> {
  const pgBefore = postgresCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let begun = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, worker) => {
      while (begun < operations) {
        begun += 1;
        await operation(worker);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const pgUsed = postgresCpuBetween(pgBefore, postgresCpuMs());
  return {
    step,
    perSecond: operations / ((performance.now() - started) / 1000),
    nodeMicros: (cpu.user + cpu.system) / operations,
    postgresMicros: pgUsed === undefined ? undefined : (pgUsed * 1000) / operations,
  };
}

/** The login service's database work for one login, as server/services/login-service.ts does it. */
function loginSteps(db: Database) {
  const users = new Users(createUserEventStore(db));
  const codes = createLoginCodes(db, Date.now);
  const known: string[] = [];
  const returning = () => known[Math.floor(Math.random() * known.length)]!;

  async function login(): Promise<void> {
    const openid = known.length > 0 && Math.random() >= NEW_USER_SHARE ? returning() : `o${randomUUID()}`;
    const codeHash = hashLoginCode(APP_ID, randomUUID());
    await codes.claim(APP_ID, codeHash);
    const { isNew } = await users.logIn({ appId: APP_ID, openid, unionid: `u${openid}`, now: new Date() }, undefined, {
      parts: [saveSessionKeyPart(APP_ID, openid, 'c2Vzc2lvbi1rZXk='), codes.completePart(APP_ID, codeHash)],
    });
    if (isNew) known.push(openid);
  }
  const claim = () => codes.claim(APP_ID, hashLoginCode(APP_ID, randomUUID()));
  const snapshot = () => {
    return readSnapshot(db, userStream, userStreamId(userIdFor(APP_ID, returning())));
  };
  return { login, claim, snapshot };
}

export async function measureLoginSteps(databaseUrl: string, operations: number): Promise<StepCost[]> {
  const schema = benchSchemaName('steps');
  const db = await openDatabase(databaseUrl, { schema, poolSize: 10 });
  try {
    await migrate(db);
    await db.exec('CREATE TABLE yardstick (id uuid PRIMARY KEY)');
    const steps = loginSteps(db);
    const raw = rawLogins(db, IN_FLIGHT);
    await measure('warm-up', Math.min(operations, 1000), steps.login);
    return [
      await measure('login: claim + snapshot + write', operations, steps.login),
      await measure('claim the code', operations, steps.claim),
      await measure('read a snapshot', operations, steps.snapshot),
      await measure('raw transaction (baseline)', operations, raw),
      await measure('SELECT 1', operations, () => db.query('SELECT 1')),
      await measure('one-row INSERT, committed', operations, () =>
        db.query('INSERT INTO yardstick (id) VALUES ($1)', [randomUUID()])),
    ];
  } finally {
    await db.close();
    await dropSchema(databaseUrl, schema);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const operations = Number(process.argv[2] ?? 3000);
  const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const costs = await measureLoginSteps(databaseUrl, operations);
  const micros = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)} µs`);
  console.log(`| step | per second | node CPU per op | PostgreSQL CPU per op |\n|---|---|---|---|`);
  for (const cost of costs) {
    console.log(`| ${cost.step} | ${Math.round(cost.perSecond)} | ${micros(cost.nodeMicros)} | ${micros(cost.postgresMicros)} |`);
  }
}
