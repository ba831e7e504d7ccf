// The user command handler: read the user's snapshot, decide, write at the version read. The
// write is ONE statement (appendWithParts): the events, the users row folded from them, the
// personal-data key they are sealed with, erasure's deletions and the caller's own parts
// (the login's session_key and code) commit together or not at all, in one round trip.
//
// A concurrent writer makes the write fail with ConcurrencyError; then read and decide again,
// a bounded number of times, with a random growing pause so that racing callers spread out.
// Within one process, commands for the same user take turns (a queue per stream): a burst of
// logins of one user in one process then costs no conflicts at all, and the optimistic check
// only has to settle races between processes.

import { appendWithParts, type AppendPart } from '../store/append.js';
import type { Database } from '../store/database.js';
import { ConcurrencyError } from '../store/errors.js';
import { createEventStore, type EventStore } from '../store/eventStore.js';
import type { UserCommand } from './commands.js';
import { decide, evolve, type UserState } from './decider.js';
import type { UserEvent } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import { createKeyPart, forgetPersonalDataPart, needsSealing, newPersonalDataKey, sealEvent } from './personalData.js';
import { forgetSessionKeyPart } from './sessionKeys.js';
import { readUserSnapshot, stateFromRow } from './snapshot.js';
import { turnsOf } from './streamTurns.js';
import { evolveUserRow, upsertUserPart, usersProjection, type UserRow } from './usersProjection.js';

export interface UserCommandResult {
  userId: string;
  /** This command registered the user (first login, or first login after erasure). */
  isNew: boolean;
  /** The events it appended (none when it changed nothing). */
  events: UserEvent[];
  state: UserState;
  /** The user's `users` row after the command, as its statement wrote it (null: never registered). */
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
   * session_key), as parts of the same statement. Called once per attempt, with its result.
   */
  alongside?: (result: UserCommandResult) => readonly AppendPart[];
}

/**
 * The event store over user streams, with the users table projected inline: for appends made
 * outside the handler (the failed-login streams, tools) and for rebuilds.
 */
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
  db: Database,
  command: UserCommand,
  alongside: HandleOptions['alongside'],
): Promise<UserCommandResult> {
  const userId = targetUserId(command);
  const streamId = userStreamId(userId);
  const snapshot = await readUserSnapshot(db, userId, streamId);
  const state = stateFromRow(snapshot.row);
  const events = decide(command, state);
  const user = events.reduce(evolveUserRow, snapshot.row);
  const result: UserCommandResult = {
    userId,
    isNew: events.some((event) => event.type === 'UserRegistered'),
    events,
    state: events.reduce(evolve, state),
    user,
  };

  const parts: AppendPart[] = [];
  let key = snapshot.key;
  if (events.some(needsSealing) && key === undefined) {
    key = newPersonalDataKey();
    parts.push(createKeyPart(streamId, key));
  }
  if (user !== null && events.length > 0) parts.push(upsertUserPart(user, snapshot.version + events.length));
  // Erasure and the destruction of the keys commit together, or not at all.
  if (state.status === 'active' && events.some((event) => event.type === 'UserErased')) {
    parts.push(forgetPersonalDataPart(streamId), forgetSessionKeyPart(state.appId, state.openid));
  }
  parts.push(...(alongside?.(result) ?? []));
  const sealed = events.map((event) => sealEvent(event, key, streamId));
  await appendWithParts(db, streamId, snapshot.version === 0 ? 'no_stream' : snapshot.version, sealed, parts);
  return result;
}

/**
 * Runs a command against its user's stream, on `store`'s database (createUserEventStore: the
 * same store whose inline projection writes the rows of appends made outside this handler).
 * Domain refusals (unknown or erased user, invalid data) are thrown as typed errors at once;
 * only conflicts are retried.
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
        return await attempt(store.db, command, options.alongside);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || tried >= maxAttempts) throw error;
        await pause(tried);
      }
    }
  });
}
