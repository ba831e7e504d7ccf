// The users repository: user commands run on the event store (decide from the snapshot row,
// append with the row in one statement), and the lookups of the `users` table.

import { recordFromRow, selectList } from '../store/columns.js';
import type { AppendPart } from '../store/append.js';
import type { Database, Queryable } from '../store/database.js';
import { createEventStore, type EventStore, type EventStoreOptions } from '../store/event-store.js';
import type { RebuildOptions } from '../store/snapshots.js';
import type { LogIn, Profile, ProfileReview, UserCommand } from './commands.js';
import { decide } from './decider.js';
import { UserNotFoundError } from './errors.js';
import type { ConsentDecision, ProfileSource, UserEvent, UserEventMetadata } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import { recordLoginFailure, type FailedLogin } from './login-failures.js';
import { forgetSessionKeyPart, SessionKeys } from './session-keys.js';
import { USER_COLUMNS, type User } from './user.js';
import { userStream } from './user-stream.js';

export interface UserCommandResult {
  userId: string;
  /** This command registered the user (first login, or first login after erasure). */
  isNew: boolean;
  /** The events it appended (none when it changed nothing). */
  events: UserEvent[];
  /** The user after the command, as its statement wrote the row (null: never registered). */
  user: User | null;
}

export interface UserCommandOptions {
  /**
   * More writes that commit with the command's events or not at all, in their statement. A
   * part may read the CTEs `appended` (the events) and `snapshot` (the users row written).
   */
  parts?: readonly AppendPart[];
}

export interface LogInOutcome {
  isNew: boolean;
  user: User;
}

/** The event store over user streams (and any other stream: failed logins, tools). */
export function createUserEventStore(db: Database, options: Pick<EventStoreOptions, 'onAppend'> = {}): EventStore {
  return createEventStore(db, { ...options, streamTypes: [userStream] });
}

const targetUserId = (command: UserCommand): string =>
  command.type === 'LogIn' ? userIdFor(command.data.appId, command.data.openid) : command.data.userId;

const SELECT_USERS = `SELECT ${selectList(USER_COLUMNS)} FROM users`;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findUserById(q: Queryable, id: string): Promise<User | null> {
  if (!uuid.test(id)) return null;
  const { rows } = await q.query(`${SELECT_USERS} WHERE id = $1`, [id], { name: 'miniauth_user_by_id' });
  return rows[0] ? recordFromRow(USER_COLUMNS, rows[0]) : null;
}

export async function findUserByOpenid(q: Queryable, appId: string, openid: string): Promise<User | null> {
  const { rows } = await q.query(`${SELECT_USERS} WHERE app_id = $1 AND openid = $2`, [appId, openid]);
  return rows[0] ? recordFromRow(USER_COLUMNS, rows[0]) : null;
}

export class Users {
  readonly store: EventStore;
  /** The newest session secret of each (app, openid): server-side only. */
  readonly sessionKeys: SessionKeys;

  constructor(store: EventStore) {
    this.store = store;
    this.sessionKeys = new SessionKeys(store.db);
  }

  get db(): Database {
    return this.store.db;
  }

  /**
   * Runs a command against its user's stream. Domain refusals (unknown or erased user, invalid
   * data) are thrown as typed errors at once; only conflicts are retried.
   */
  async handle(command: UserCommand, options: UserCommandOptions = {}): Promise<UserCommandResult> {
    const userId = targetUserId(command);
    // Erasure forgets the session secret in the statement of UserErased, whoever asks for it.
    const parts = command.type === 'EraseUser' ? [forgetSessionKeyPart(), ...(options.parts ?? [])] : options.parts;
    const handled = await this.store.handle<User, UserEvent>(userStreamId(userId), (state) => decide(command, state), { parts });
    return {
      userId,
      isNew: handled.events.some((event) => event.type === 'UserRegistered'),
      events: handled.events,
      user: handled.after,
    };
  }

  /** The user after the command. */
  async #user(command: UserCommand, options?: UserCommandOptions): Promise<User> {
    const result = await this.handle(command, options);
    if (!result.user) throw new UserNotFoundError(result.userId);
    return result.user;
  }

  /** Register-or-log-in. */
  async logIn(data: LogIn['data'], metadata?: UserEventMetadata, options: UserCommandOptions = {}): Promise<LogInOutcome> {
    const result = await this.handle({ type: 'LogIn', data, ...(metadata && { metadata }) }, options);
    if (!result.user) throw new UserNotFoundError(result.userId);
    return { isNew: result.isNew, user: result.user };
  }

  updateProfile(userId: string, profile: Profile & { source?: ProfileSource; review?: ProfileReview }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'UpdateProfile', data: { userId, ...profile, now }, ...(metadata && { metadata }) });
  }

  bindPhone(userId: string, phone: { phone: string; countryCode: string }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'BindPhone', data: { userId, ...phone, now }, ...(metadata && { metadata }) });
  }

  /** WeChat did not turn a phone-number code into a number: recorded, the user unchanged. */
  recordPhoneFailure(userId: string, failure: { error: string; errcode?: number }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'RecordPhoneFailure', data: { userId, ...failure, now }, ...(metadata && { metadata }) });
  }

  /** The phone found no number to hand out (errno 1400001): recorded, the user unchanged. */
  reportPhoneUnavailable(userId: string, errno: number, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'ReportPhoneUnavailable', data: { userId, errno, now }, ...(metadata && { metadata }) });
  }

  recordConsent(userId: string, consent: { decision: ConsentDecision; guideVersion: string }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'RecordConsent', data: { userId, ...consent, now }, ...(metadata && { metadata }) });
  }

  /** The user whose avatar awaits the asynchronous check with this trace id. */
  async findByAvatarTrace(traceId: string): Promise<User | null> {
    const { rows } = await this.db.query(`${SELECT_USERS} WHERE ${USER_COLUMNS.avatarTraceId.name} = $1`, [traceId]);
    return rows[0] ? recordFromRow(USER_COLUMNS, rows[0]) : null;
  }

  /** Logout everywhere: the user with the raised token version. */
  revokeSessions(userId: string, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'RevokeSessions', data: { userId, now }, ...(metadata && { metadata }) });
  }

  /** Erasure: the personal data's key and the session secret go in the statement of UserErased. */
  async erase(userId: string, now: Date, metadata?: UserEventMetadata): Promise<User | null> {
    return (await this.handle({ type: 'EraseUser', data: { userId, now }, ...(metadata && { metadata }) })).user;
  }

  findById(userId: string): Promise<User | null> {
    return findUserById(this.db, userId);
  }

  findByOpenid(appId: string, openid: string): Promise<User | null> {
    return findUserByOpenid(this.db, appId, openid);
  }

  /** A failed login, kept for support (its errcode and WeChat's rid) in a stream of its own. */
  recordLoginFailure(failure: FailedLogin): Promise<void> {
    return recordLoginFailure(this.store, failure);
  }

  /** Empties `users` and folds every user stream into it again; returns the events folded. */
  rebuild(options?: RebuildOptions): Promise<number> {
    return this.store.rebuild(userStream, options);
  }
}
