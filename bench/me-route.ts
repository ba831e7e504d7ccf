// Requests per second of miniauth's `GET /me` beside the same route on the plain stack
// (./plain-stack.ts), with the same signed-in users' tokens, from the load process over
// loopback, in alternating rounds. Target: miniauth at least 1.3 times the plain stack.

import type { HttpWorld } from './http-world.js';
import { requireAllOk } from './load.js';
import { median, pairedRounds, type PairedRounds } from './stats.js';

export interface MeRouteOptions {
  /** Seconds of load per side in all, split over the rounds. */
  seconds: number;
  rounds: number;
  connections?: number;
  /** Signed-in users whose tokens the requests take in turn (default 32). */
  users?: number;
}

export type MeRouteResult = PairedRounds & {
  rounds: number;
  /** Each server's CPU time per request (median of the rounds), µs. */
  cpuMicros: { measured: number; baseline: number };
};

const CONNECTIONS = 16;
const USERS = 32;

export async function benchMeRoute(world: HttpWorld, options: MeRouteOptions): Promise<MeRouteResult> {
  const tokens: string[] = [];
  for (let i = 0; i < (options.users ?? USERS); i++) tokens.push(await world.signIn());
  const headerCycle = tokens.map((token) => ({ authorization: `Bearer ${token}` }));
  const phaseSeconds = options.seconds / options.rounds;
  const connections = options.connections ?? CONNECTIONS;
  const sides = {
    miniauth: { url: world.serverUrl, cpu: () => world.serverCpuMicros(), perRequest: [] as number[] },
    plain: { url: world.plainUrl, cpu: () => world.plainCpuMicros(), perRequest: [] as number[] },
  };
  const hit = async (side: keyof typeof sides) => {
    const { url, cpu, perRequest } = sides[side];
    const before = await cpu();
    const result = await world.load.run({ kind: 'throughput', url, request: { method: 'GET', path: '/me', headerCycle }, connections, seconds: phaseSeconds });
    requireAllOk(`GET /me on ${side}`, result);
    perRequest.push((await cpu() - before) / result.ok);
    return result.perSecond;
  };
  // Warm both (JIT, caches, prepared statements) outside the rounds.
  for (const side of ['miniauth', 'plain'] as const) {
    await world.load.run({ kind: 'throughput', url: sides[side].url, request: { method: 'GET', path: '/me', headerCycle }, connections, seconds: Math.min(1, phaseSeconds) });
  }
  const rounds = await pairedRounds(options.rounds, () => hit('miniauth'), () => hit('plain'));
  return {
    ...rounds,
    rounds: options.rounds,
    cpuMicros: { measured: median(sides.miniauth.perRequest), baseline: median(sides.plain.perRequest) },
  };
}
