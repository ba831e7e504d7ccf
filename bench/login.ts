// POST /wx/login end to end (load process → server process → simulator on loopback →
// PostgreSQL), new and returning users mixed, beside the raw transaction of ./login-raw.ts;
// and the login latency at a fixed moderate rate.

import { openDatabase } from '../server/store/open-database.js';
import { migrate } from '../server/store/migrate.js';
import type { HttpWorld } from './http-world.js';
import { requireAllOk } from './load.js';
import { rawLoginPhase, rawLogins } from './login-raw.js';
import { benchSchemaName, dropSchema } from './schemas.js';
import { median, pairedRounds, type PairedRounds } from './stats.js';

/** Logins in flight at once on both sides; the server's pool and the baseline's both hold 10. */
export const LOGIN_CONCURRENCY = 16;
const POOL_SIZE = 10;
const WARM_UP_LOGINS = 200;
/** Enough for the logins in flight at the end of a timed run to finish (their CPU counts). */
const SETTLE_MS = 300;

export interface LoginBenchOptions {
  databaseUrl: string;
  /** Seconds of load per side in all, split over the rounds. */
  seconds: number;
  rounds: number;
  /** Logins before the rounds (JIT, pool, the first returning users, a first rate); default 200. */
  warmUpLogins?: number;
}

export type LoginBenchResult = PairedRounds & {
  rounds: number;
  /** CPU per login (median of the rounds), µs: where the end-to-end time is spent, and the baseline's. */
  cpuMicros: { server: number; simulator: number; rawClient: number };
};

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

interface Phase {
  perSecond: number;
  /** Logins the server made (answered, or still in flight when a timed run stopped). */
  ok: number;
  serverCpu: number;
  /** This process's CPU during the phase: the simulator's work. */
  localCpu: number;
}

/**
 * Logins for `seconds` (codes for three times the rate seen last: a timed run must not run out
 * of codes; the spare ones expire unused), or `count` logins when no rate is known yet.
 */
async function endToEnd(world: HttpWorld, run: { seconds: number; expectedRate: number } | { count: number }): Promise<Phase> {
  const codes = 'count' in run ? run.count : Math.ceil(run.expectedRate * run.seconds * 3) + LOGIN_CONCURRENCY * 4;
  const batch = await world.codes.batch(codes);
  const server = await world.serverCpuMicros();
  const local = cpuNow();
  const result = await world.load.run({
    kind: 'throughput',
    url: world.serverUrl,
    request: { method: 'POST', path: '/wx/login', bodies: batch.bodies },
    connections: LOGIN_CONCURRENCY,
    ...('count' in run ? { count: run.count } : { seconds: run.seconds }),
  });
  // Logins still in flight when the run stopped finish now, before the next phase starts.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const localCpu = cpuNow() - local;
  const serverCpu = (await world.serverCpuMicros()) - server;
  requireAllOk('POST /wx/login', result);
  // A timed run leaves about one login per connection unanswered but sent: the server did those too.
  const sent = Math.min(batch.bodies.length, result.ok + ('count' in run ? 0 : LOGIN_CONCURRENCY));
  batch.used(sent);
  return { perSecond: result.perSecond, ok: sent, serverCpu, localCpu };
}

export async function benchLogin(world: HttpWorld, options: LoginBenchOptions): Promise<LoginBenchResult> {
  const schema = benchSchemaName('rawlogin');
  const db = await openDatabase(options.databaseUrl, { schema, poolSize: POOL_SIZE });
  try {
    await migrate(db);
    const raw = rawLogins(db, LOGIN_CONCURRENCY);
    const phaseMs = (options.seconds * 1000) / options.rounds;

    // Warm both sides; the end-to-end warm-up also registers the first returning users and
    // tells how many codes a phase needs (codes are made before each phase, outside its time).
    const warm = await endToEnd(world, { count: options.warmUpLogins ?? WARM_UP_LOGINS });
    await rawLoginPhase(raw, LOGIN_CONCURRENCY, Math.min(1000, phaseMs));
    let rate = warm.perSecond;

    const cpu = { server: [] as number[], simulator: [] as number[], rawClient: [] as number[] };
    const measure = async () => {
      const phase = await endToEnd(world, { seconds: phaseMs / 1000, expectedRate: rate });
      cpu.server.push(phase.serverCpu / phase.ok);
      cpu.simulator.push(phase.localCpu / phase.ok);
      rate = phase.perSecond;
      return phase.perSecond;
    };
    const baseline = async () => {
      const before = cpuNow();
      const { perSecond, logins } = await rawLoginPhase(raw, LOGIN_CONCURRENCY, phaseMs);
      cpu.rawClient.push((cpuNow() - before) / logins);
      return perSecond;
    };
    const rounds = await pairedRounds(options.rounds, measure, baseline);
    return {
      ...rounds,
      rounds: options.rounds,
      cpuMicros: { server: median(cpu.server), simulator: median(cpu.simulator), rawClient: median(cpu.rawClient) },
    };
  } finally {
    await db.close();
    await dropSchema(options.databaseUrl, schema);
  }
}

export interface LatencyOptions {
  /** Logins per second, held whatever the answers (open loop). */
  perSecond: number;
  seconds: number;
}

export interface LatencyResult {
  perSecond: number;
  logins: number;
  p50: number;
  p99: number;
  max: number;
}

export async function benchLoginLatency(world: HttpWorld, options: LatencyOptions): Promise<LatencyResult> {
  const count = Math.max(20, Math.round(options.perSecond * options.seconds));
  const batch = await world.codes.batch(count);
  const bodies = batch.bodies;
  const result = requireAllOk(
    'POST /wx/login (paced)',
    await world.load.run({
      kind: 'paced',
      url: world.serverUrl,
      request: { method: 'POST', path: '/wx/login', bodies },
      perSecond: options.perSecond,
      count,
    }),
  );
  batch.used(result.ok);
  return { perSecond: options.perSecond, logins: result.ok, ...result.latencyMs };
}
