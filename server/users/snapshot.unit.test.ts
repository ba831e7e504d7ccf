// The users row is a fold of the stream (evolveUserRow), and a command decides from
// stateFromRow(row) instead of the decider's own fold: the two must never differ. Random
// command histories, made valid by running them through decide/evolve, are compared after
// every step. The PRNG is seeded here so any failure reproduces: its message names the seed
// (SNAPSHOT_SEED=<seed> runs that history alone).

import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { Profile, UserCommand } from './commands.js';
import { decide, evolve, initialState, stateFrom, type UserState } from './decider.js';
import type { UserEvent, UserEventType } from './events.js';
import { userIdFor } from './identity.js';
import { stateFromRow } from './snapshot.js';
import { evolveUserRow, type UserRow } from './usersProjection.js';
import { mulberry32 } from '../../test/support/prng.js';

type Random = () => number;
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

// Small pools, so that values repeat: a repeated profile, phone or unionid decides no event.
const UNIONIDS = [undefined, undefined, 'union-a', 'union-b'] as const;
const PROFILES: readonly (Profile | undefined)[] = [
  undefined,
  undefined,
  { nickname: 'Mei', avatarUrl: 'https://img/mei.png' },
  { nickname: '  Mei ', avatarUrl: ' https://img/mei.png ' }, // the same, once trimmed
  { nickname: 'Lan', avatarUrl: 'https://img/lan.png' },
  { nickname: '微信用户', avatarUrl: 'https://img/anonymous.png' }, // WeChat's placeholder: ignored
  { nickname: '', avatarUrl: '' },
];
const FILLED_PROFILES: readonly Profile[] = [
  { nickname: 'Mei', avatarUrl: 'https://img/mei.png' },
  { nickname: 'Lan', avatarUrl: 'https://img/lan2.png' },
  { nickname: 'Lan', avatarUrl: 'https://img/lan.png' },
  { nickname: ' ', avatarUrl: 'https://img/x.png' }, // refused: empty nickname
];
const PHONES = [
  { phone: '13800000001', countryCode: '86' },
  { phone: '13800000001', countryCode: '852' },
  { phone: '5550100', countryCode: '1' },
  { phone: '', countryCode: '86' }, // refused
] as const;

function randomCommand(random: Random, appId: string, openid: string, state: UserState, now: Date): UserCommand {
  const userId = userIdFor(appId, openid);
  // After an erasure, mostly come back; otherwise any command, valid or not for the state.
  const kind =
    state.status === 'erased' && random() < 0.6
      ? 'LogIn'
      : pick(random, ['LogIn', 'LogIn', 'UpdateProfile', 'BindPhone', 'RevokeSessions', 'EraseUser'] as const);
  switch (kind) {
    case 'LogIn': {
      const unionid = pick(random, UNIONIDS);
      const profile = pick(random, PROFILES);
      const rid = random() < 0.3 ? `rid-${Math.floor(random() * 1000)}` : undefined;
      return {
        type: 'LogIn',
        data: { appId, openid, now, ...(unionid ? { unionid } : {}), ...(profile ? { profile } : {}), ...(rid ? { rid } : {}) },
        ...(random() < 0.2 ? { metadata: { requestId: 'req-1' } } : {}),
      };
    }
    case 'UpdateProfile':
      return { type: 'UpdateProfile', data: { userId, ...pick(random, FILLED_PROFILES), now } };
    case 'BindPhone':
      return { type: 'BindPhone', data: { userId, ...pick(random, PHONES), now } };
    case 'RevokeSessions':
      return { type: 'RevokeSessions', data: { userId, now } };
    case 'EraseUser':
      return { type: 'EraseUser', data: { userId, now } };
  }
}

/** The events decided, or the refusal (a typed domain error), for comparing two deciders' answers. */
function outcome(command: UserCommand, state: UserState): { events: UserEvent[] } | { refused: string } {
  try {
    return { events: decide(command, state) };
  } catch (error) {
    if (error instanceof AppError) return { refused: error.error };
    throw error;
  }
}

interface Coverage {
  types: Set<UserEventType>;
  backAfterErasure: number;
  refusals: number;
  steps: number;
}

/** Runs one random history, checking the row's state against the events' after every step. */
function runHistory(seed: number, steps: number, coverage: Coverage): void {
  const random = mulberry32(seed);
  const appId = pick(random, ['wx-a', 'wx-b']);
  const openid = `o-${seed}`;
  let clock = Date.UTC(2025, 0, 1) + seed * 1000;
  const history: UserEvent[] = [];
  let state: UserState = initialState;
  let row: UserRow | null = null;
  for (let step = 0; step < steps; step++) {
    const command = randomCommand(random, appId, openid, state, new Date((clock += 1 + Math.floor(random() * 5000))));
    const where = `seed ${seed}, step ${step}, ${command.type} ${JSON.stringify(command.data)}`;
    // What the handler decides from (the row) and what the decider would (the events) answer alike.
    const fromRow = outcome(command, stateFromRow(row));
    expect(fromRow, where).toEqual(outcome(command, state));
    if ('refused' in fromRow) {
      coverage.refusals++;
      continue;
    }
    if (state.status === 'erased' && fromRow.events.some((e) => e.type === 'UserRegistered')) coverage.backAfterErasure++;
    for (const event of fromRow.events) coverage.types.add(event.type);
    history.push(...fromRow.events);
    state = fromRow.events.reduce(evolve, state);
    row = fromRow.events.reduce(evolveUserRow, row);
    coverage.steps++;
    expect(stateFromRow(row), where).toEqual(stateFrom(history));
    expect(state, where).toEqual(stateFrom(history));
  }
}

describe('stateFromRow(fold of evolveUserRow) = stateFrom(events)', () => {
  it('agrees after every step of many random histories', () => {
    const only = process.env['SNAPSHOT_SEED'];
    const seeds = only ? [Number(only)] : Array.from({ length: 400 }, (_, i) => 0x5eed + i * 7919);
    const coverage: Coverage = { types: new Set(), backAfterErasure: 0, refusals: 0, steps: 0 };
    for (const seed of seeds) runHistory(seed, 40, coverage);
    if (only) return;
    // The histories reached every event and the paths that matter (else the check proves little).
    expect([...coverage.types].sort()).toEqual(
      ['PhoneNumberBound', 'ProfileUpdated', 'SessionsRevoked', 'UserErased', 'UserLoggedIn', 'UserRegistered'],
    );
    expect(coverage.backAfterErasure).toBeGreaterThan(100);
    expect(coverage.refusals).toBeGreaterThan(100);
    expect(coverage.steps).toBeGreaterThan(5000);
  });

  it('agrees on the states a stored row can only reach by erasure and return', () => {
    // Hand-picked: erased with a raised token version, back with a unionid, erased twice.
    const userId = userIdFor('wx-a', 'o-fixed');
    const at = '2025-01-01T00:00:00.000Z';
    const events: UserEvent[] = [
      { type: 'UserRegistered', data: { userId, appId: 'wx-a', openid: 'o-fixed', unionid: 'union-a', at } },
      { type: 'PhoneNumberBound', data: { userId, phone: '1', countryCode: '86', at } },
      { type: 'SessionsRevoked', data: { userId, tokenVersion: 1, at } },
      { type: 'UserErased', data: { userId, tokenVersion: 2, at } },
      { type: 'UserRegistered', data: { userId, appId: 'wx-a', openid: 'o-fixed', unionid: 'union-b', at } },
      { type: 'UserLoggedIn', data: { userId, at, unionid: 'union-c' } },
      { type: 'UserErased', data: { userId, tokenVersion: 3, at } },
    ];
    for (let n = 0; n <= events.length; n++) {
      const prefix = events.slice(0, n);
      expect(stateFromRow(prefix.reduce(evolveUserRow, null)), `after ${n} events`).toEqual(stateFrom(prefix));
    }
    expect(stateFrom(events)).toEqual({ status: 'erased', userId, appId: 'wx-a', openid: 'o-fixed', tokenVersion: 3 });
  });
});
