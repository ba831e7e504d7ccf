// What operators do, as events in one stream per operator (`operator-<name>`): sign-ins, failed
// ones, lock-outs, sign-outs, and each action on a person (OperatorActed, naming the person).
// The lock-out is the fold of the stream: failed sign-ins in a row since the last success.
// A person's own stream also records the change an operator made (SessionsRevoked, UserErased,
// with the operator's name in the metadata); an export changes nothing there, so it is here only.

import { ConcurrencyError } from '../store/errors.js';
import type { EventStore } from '../store/event-store.js';
import { lockedOut } from './errors.js';

export const OPERATOR_STREAM_PREFIX = 'operator-';

export type OperatorAction = 'logout_everywhere' | 'erase' | 'export';

type Meta = { requestId?: string };

export type OperatorEvent =
  | { type: 'OperatorSignedIn'; data: { operator: string; via: 'password' | 'proxy'; address: string; at: string }; metadata?: Meta }
  | { type: 'OperatorSignInFailed'; data: { operator: string; address: string; at: string }; metadata?: Meta }
  | { type: 'OperatorLockedOut'; data: { operator: string; until: string; at: string }; metadata?: Meta }
  | { type: 'OperatorSignedOut'; data: { operator: string; at: string }; metadata?: Meta }
  | { type: 'OperatorActed'; data: { operator: string; action: OperatorAction; userId: string; at: string }; metadata?: Meta };

export interface OperatorState {
  /** Failed sign-ins since the last success or lock-out. */
  failedInARow: number;
  lockedUntil: Date | null;
}

export const initialOperatorState: OperatorState = { failedInARow: 0, lockedUntil: null };

export function evolveOperator(state: OperatorState, event: OperatorEvent): OperatorState {
  switch (event.type) {
    case 'OperatorSignedIn':
      return { failedInARow: 0, lockedUntil: null };
    case 'OperatorSignInFailed':
      return { ...state, failedInARow: state.failedInARow + 1 };
    case 'OperatorLockedOut':
      return { failedInARow: 0, lockedUntil: new Date(event.data.until) };
    case 'OperatorSignedOut':
    case 'OperatorActed':
      return state;
    default: {
      const unknown: never = event;
      throw new TypeError(`Unknown operator event ${(unknown as { type: string }).type}`);
    }
  }
}

export interface SignInAttempt {
  operator: string;
  /** Checked only when the operator is not locked out: a locked operator's guesses test nothing. */
  proves: () => Promise<boolean>;
  via: 'password' | 'proxy';
  address: string;
  now: Date;
  maxFailedSignIns: number;
  lockoutSeconds: number;
}

/** A sign-in's events: success, or a failure that may lock the operator out. Throws while locked. */
export async function decideSignIn(state: OperatorState, attempt: SignInAttempt): Promise<OperatorEvent[]> {
  const { operator, now, address } = attempt;
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    throw lockedOut((state.lockedUntil.getTime() - now.getTime()) / 1000);
  }
  const at = now.toISOString();
  if (await attempt.proves()) return [{ type: 'OperatorSignedIn', data: { operator, via: attempt.via, address, at } }];
  const failed: OperatorEvent = { type: 'OperatorSignInFailed', data: { operator, address, at } };
  if (state.failedInARow + 1 < attempt.maxFailedSignIns) return [failed];
  const until = new Date(now.getTime() + attempt.lockoutSeconds * 1000).toISOString();
  return [failed, { type: 'OperatorLockedOut', data: { operator, until, at } }];
}

const streamOf = (operator: string) => `${OPERATOR_STREAM_PREFIX}${operator}`;
const MAX_ATTEMPTS = 5;

export class OperatorLog {
  constructor(private readonly store: EventStore) {}

  /** Decides on the operator's stream as it is now and appends at its version (again on a conflict). */
  async decide(operator: string, decide: (state: OperatorState) => Promise<OperatorEvent[]>, requestId?: string): Promise<OperatorEvent[]> {
    for (let attempt = 1; ; attempt++) {
      const { version, events } = await this.store.readStream(streamOf(operator));
      const state = (events as unknown as OperatorEvent[]).reduce(evolveOperator, initialOperatorState);
      const decided = (await decide(state)).map((event) => (requestId === undefined ? event : { ...event, metadata: { requestId } }));
      if (decided.length === 0) return decided;
      try {
        await this.store.appendToStream(streamOf(operator), version === 0 ? 'no_stream' : version, decided);
        return decided;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** A fact that needs no decision (an action, a sign-out): appended whatever the version. */
  async record(event: OperatorEvent, requestId?: string): Promise<void> {
    await this.store.appendToStream(streamOf(event.data.operator), 'any', [requestId === undefined ? event : { ...event, metadata: { requestId } }]);
  }
}
