// The user command handler: read the stream, decide, append at the version read. A concurrent
// writer makes the append fail with ConcurrencyError; then read and decide again, a bounded
// number of times, with a random growing pause so that racing callers spread out.
//
// Within one process, commands for the same user take turns (a queue per stream): a burst of
// logins of one user in one process then costs no conflicts at all, and the optimistic check
// only has to settle races between processes.

import type { Database, Queryable } from '../store/database.js';
import { ConcurrencyError } from '../store/errors.js';
import { createEventStore, type EventStore } from '../store/eventStore.js';
import type { UserCommand } from './commands.js';
import { decide, evolve, stateFrom, type UserState } from './decider.js';
import type { UserEvent } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import { forgetPersonalData, needsSealing, personalDataKeyFor, readUserStream, sealEvent } from './personalData.js';
import { forgetSessionKey } from './sessionKeys.js';
import { turnsOf } from './streamTurns.js';
import { evolveUserRow, usersProjection, type UserRow } from './usersProjection.js';

export interface UserCommandResult {
  userId: string;
  /** This command registered the user (first login, or first login after erasure). */
  isNew: boolean;
  /** The events it appended (none when it changed nothing). */
  events: UserEvent[];
  state: UserState;
  /** The user's `users` row after the command, folded from the stream (null: never registered). */
  user: UserRow | null;
}

export interface HandleOptions {
  /**
   * Tries in all, counting the first (default 40). Conflicts come only from another process
   * writing the same user's stream at that moment; a burst of them (a user's logins spread over
   * processes) can make one process lose several rounds in a row, so the bound is generous.
   */
  maxAttempts?: number;
  /**
   * More writes that commit with the command's events or not at all (e.g. the login's
   * session_key). Runs once per attempt, inside that attempt's transaction.
   */
  inTransaction?: (tx: Queryable, result: UserCommandResult) => Promise<void>;
}

/** The event store for user streams, with the users table projected inline. */
export function createUserEventStore(db: Database): EventStore {
  return createEventStore(db, { inlineProjections: [usersProjection] });
}

function targetUserId(command: UserCommand): string {
  return command.type === 'LogIn' ? userIdFor(command.data.appId, command.data.openid) : command.data.userId;
}

// Full jitter: a random pause up to 2 ms × 2^attempt, at most 100 ms.
const pause = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 * 2 ** attempt)));

async function attempt(
  store: EventStore,
  command: UserCommand,
  inTransaction: HandleOptions['inTransaction'],
): Promise<UserCommandResult> {
  const userId = targetUserId(command);
  const streamId = userStreamId(userId);
  const stream = await readUserStream(store.db, streamId);
  const state = stateFrom(stream.events);
  const events = decide(command, state);
  // The users row is a fold of the stream (usersProjection): no need to read it back.
  const result: UserCommandResult = {
    userId,
    isNew: events.some((event) => event.type === 'UserRegistered'),
    events,
    state: events.reduce(evolve, state),
    user: [...stream.events, ...events].reduce(evolveUserRow, null),
  };
  if (events.length === 0) {
    if (inTransaction) await store.db.transaction((tx) => inTransaction(tx, result));
    return result;
  }

  const key = events.some(needsSealing) ? (stream.key ?? (await personalDataKeyFor(store.db, streamId))) : undefined;
  const sealed = events.map((event) => sealEvent(event, key, streamId));
  const erasing = state.status === 'active' && events.some((event) => event.type === 'UserErased') ? state : undefined;
  await store.appendToStream(streamId, stream.version === 0 ? 'no_stream' : stream.version, sealed, {
    inTransaction: async (tx) => {
      // Erasure and the destruction of the keys commit together, or not at all.
      if (erasing) {
        await forgetPersonalData(tx, streamId);
        await forgetSessionKey(tx, erasing.appId, erasing.openid);
      }
      await inTransaction?.(tx, result);
    },
  });
  return result;
}

/**
 * Runs a command against its user's stream. `store` must project users inline
 * (createUserEventStore). Domain refusals (unknown or erased user, invalid data) are thrown
 * as typed errors at once; only conflicts are retried.
 */
export async function handleUserCommand(
  store: EventStore,
  command: UserCommand,
  options: HandleOptions = {},
): Promise<UserCommandResult> {
  const maxAttempts = options.maxAttempts ?? 40;
  return turnsOf(store).take(userStreamId(targetUserId(command)), async () => {
    for (let tried = 1; ; tried++) {
      try {
        return await attempt(store, command, options.inTransaction);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || tried >= maxAttempts) throw error;
        await pause(tried);
      }
    }
  });
}
