// Requests per second of an authenticated route beside the same route without the auth hook
// (./bench-routes.ts), from the load process over loopback. Issue 4's target: at least 0.85.

import { OPEN_PATH, SIGNED_IN_PATH } from './bench-routes.js';
import type { HttpWorld } from './http-world.js';
import { requireAllOk } from './load.js';
import { median, pairedRounds, type PairedRounds } from './stats.js';

export interface AuthRouteOptions {
  /** Seconds of load per side in all, split over the rounds. */
  seconds: number;
  rounds: number;
  connections?: number;
  /** Signed-in users whose tokens the requests take in turn (default 32). */
  users?: number;
}

export type AuthRouteResult = PairedRounds & {
  rounds: number;
  /** The server's CPU time per request (median of the rounds), µs: steadier than req/s on a busy box. */
  cpuMicros: { measured: number; baseline: number };
};

const CONNECTIONS = 16;
/** Signed-in users whose tokens the requests take in turn: the caches see many users, not one. */
const USERS = 32;

export async function benchAuthRoute(world: HttpWorld, options: AuthRouteOptions): Promise<AuthRouteResult> {
  const tokens: string[] = [];
  for (let i = 0; i < (options.users ?? USERS); i++) tokens.push(await world.signIn());
  const headerCycle = tokens.map((token) => ({ authorization: `Bearer ${token}` }));
  const phaseSeconds = options.seconds / options.rounds;
  const connections = options.connections ?? CONNECTIONS;
  const cpu: Record<string, number[]> = { [SIGNED_IN_PATH]: [], [OPEN_PATH]: [] };
  const hit = async (path: string) => {
    const cpuBefore = await world.serverCpuMicros();
    const result = await world.load.run({
      kind: 'throughput',
      url: world.serverUrl,
      request: { method: 'GET', path, headerCycle },
      connections,
      seconds: phaseSeconds,
    });
    requireAllOk(`GET ${path}`, result);
    cpu[path]!.push((await world.serverCpuMicros() - cpuBefore) / result.ok);
    return result.perSecond;
  };
  // The same headers on both sides: the baseline parses as many bytes, it just never checks them.
  const signedIn = () => hit(SIGNED_IN_PATH);
  const open = () => hit(OPEN_PATH);

  // Warm both routes (JIT, the version cache's first loads) outside the rounds.
  for (const path of [SIGNED_IN_PATH, OPEN_PATH]) {
    await world.load.run({ kind: 'throughput', url: world.serverUrl, request: { method: 'GET', path, headerCycle }, connections, seconds: Math.min(1, phaseSeconds) });
  }

  const rounds = await pairedRounds(options.rounds, signedIn, open);
  return {
    ...rounds,
    rounds: options.rounds,
    cpuMicros: { measured: median(cpu[SIGNED_IN_PATH]!), baseline: median(cpu[OPEN_PATH]!) },
  };
}
