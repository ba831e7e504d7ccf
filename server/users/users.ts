// The users repository: user commands run on the event store (decide from the snapshot row,
// append with the row in one statement), the commands that span persons (a login linked to or
// merging with another person, a phone number's conflict, an erasure across merged persons: see
// docs/architecture.md, "One person across apps"), and the lookups of the `users` table.

import { recordFromRow, selectList } from '../store/columns.js';
import type { AppendPart } from '../store/append.js';
import { withinTransaction, type Database, type Queryable } from '../store/database.js';
import { readSnapshot } from '../store/snapshots.js';
import { createEventStore, type EventStore, type EventStoreOptions } from '../store/event-store.js';
import { ConcurrencyError } from '../store/errors.js';
import type { RebuildOptions } from '../store/snapshots.js';
import type { LogIn, PhoneConflictPolicy, Profile, ProfileReview, UserCommand } from './commands.js';
import { decide } from './decider.js';
import { UserNotFoundError } from './errors.js';
import type { ConsentDecision, ProfileSource, UserEvent, UserEventMetadata } from './events.js';
import { userIdFor, userStreamId } from './identity.js';
import {
  absorbedInto, identityPart, isClaimTaken, isTransactionRace, moveIdentitiesPart, phoneHolder, rebuildIdentities, releaseIdentitiesParts, resolveLogin,
} from './identities.js';
import { LoginElsewhere, MergeNeeded, survivorOf } from './persons.js';
import { recordLoginFailure, type FailedLogin } from './login-failures.js';
import { forgetSessionKeyPart, SessionKeys } from './session-keys.js';
import { isLive, USER_COLUMNS, type User } from './user.js';
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
  /** Tries in all on a conflict (default: the store's). */
  maxAttempts?: number;
}

export interface LogInOutcome {
  isNew: boolean;
  user: User;
  /** A person this login merged into `user` (its tokens are refused from now on). */
  absorbed?: User;
}

export interface PhoneBinding {
  /** The person holding the number now (the survivor when the bind merged two persons). */
  user: User;
  /** The person a merge absorbed (its tokens are refused from now on). */
  absorbed?: User;
}

export interface UsersOptions {
  /** PHONE_CONFLICT: a number another person holds is refused (default), or merges the two when they may be one. */
  phoneConflict?: PhoneConflictPolicy;
}

/** An erasure is decided again as often as the store retries any command (it may span persons). */
const ERASE_ATTEMPTS = 40;

/** How many linked identities a process remembers the person of. */
const LINKS_REMEMBERED = 10_000;

/** How often a command decides again after meeting another person's claim or a lost race. */
const RESOLVE_ATTEMPTS = 8;

/** Still losing races after every attempt: the caller's typed, retryable conflict, never a bare driver error. */
const stillRacing = (userId: string, cause: unknown): ConcurrencyError =>
  cause instanceof ConcurrencyError ? cause : new ConcurrencyError(userStreamId(userId), 'any', undefined, cause);

/** The event store over user streams (and any other stream: failed logins, tools). */
export function createUserEventStore(db: Database, options: Pick<EventStoreOptions, 'onAppend'> = {}): EventStore {
  return createEventStore(db, { ...options, streamTypes: [userStream] });
}

const targetUserId = (command: UserCommand): string =>
  command.type === 'LogIn' ? (command.data.resolved?.target ?? userIdFor(command.data.appId, command.data.openid)) : command.data.userId;

const decided = (events: readonly { type: string }[], type: UserEvent['type']) => events.some((event) => event.type === type);

/** The writes a command's own statement needs besides the caller's, for the events it decided. */
function ownParts(command: UserCommand, events: readonly { type: string }[]): AppendPart[] {
  switch (command.type) {
    case 'LogIn':
      return decided(events, 'UserRegistered') || decided(events, 'IdentityLinked')
        ? [identityPart(command.data.appId, command.data.openid, targetUserId(command))]
        : [];
    case 'EraseUser':
      // The session secrets go with UserErased, whoever asks for the erasure.
      return decided(events, 'UserErased') ? [forgetSessionKeyPart(), ...releaseIdentitiesParts(command.data.userId)] : [];
    case 'MergeInto':
      return decided(events, 'UserMerged') ? [moveIdentitiesPart(command.data.userId, command.data.into)] : [];
    default:
      return [];
  }
}

const SELECT_USERS = `SELECT ${selectList(USER_COLUMNS)} FROM users`;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findUserById(q: Queryable, id: string): Promise<User | null> {
  if (!uuid.test(id)) return null;
  const { rows } = await q.query(`${SELECT_USERS} WHERE id = $1`, [id], { name: 'miniauth_user_by_id' });
  return rows[0] ? recordFromRow(USER_COLUMNS, rows[0]) : null;
}

/** The person an (app, openid) logs in as: the one it is linked to, else the row it registered (an erased one). */
export async function findUserByOpenid(q: Queryable, appId: string, openid: string): Promise<User | null> {
  const { rows } = await q.query(
    `${SELECT_USERS} WHERE id = coalesce((SELECT user_id FROM user_identities WHERE app_id = $1 AND openid = $2),
       (SELECT id FROM users WHERE app_id = $1 AND openid = $2))`,
    [appId, openid],
  );
  return rows[0] ? recordFromRow(USER_COLUMNS, rows[0]) : null;
}

export class Users {
  readonly store: EventStore;
  /** The newest session secret of each (app, openid): server-side only. */
  readonly sessionKeys: SessionKeys;

  readonly #options: UsersOptions;
  /**
   * Identities this process saw log in as another person than their own stream's (linked, or
   * merged away), so that their next login goes there first: a hint only, checked by the
   * decision (a stale one sends the login to the lookup).
   */
  readonly #linked = new Map<string, string>();

  #rememberLink(identity: string, person: string | undefined): void {
    this.#linked.delete(identity);
    if (person === undefined) return;
    this.#linked.set(identity, person);
    if (this.#linked.size > LINKS_REMEMBERED) this.#linked.delete(this.#linked.keys().next().value!);
  }

  constructor(store: EventStore, options: UsersOptions = {}) {
    this.store = store;
    this.sessionKeys = new SessionKeys(store.db);
    this.#options = options;
  }

  /**
   * Runs `fn` with a Users whose every statement is in one transaction: writes to several
   * persons (a merge, an erasure across merged persons) commit together or not at all. A
   * conflict inside rolls it all back; the caller decides again.
   */
  #inTransaction<T>(fn: (users: Users) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new Users(createUserEventStore(withinTransaction(this.db, tx)), this.#options)));
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
    const handled = await this.store.handle<User, UserEvent>(userStreamId(userId), (state) => decide(command, state), {
      ...(options.parts === undefined ? {} : { parts: options.parts }),
      partsFor: (events) => ownParts(command, events),
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    });
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

  /**
   * Register-or-log-in. Decided first on the identity's own stream (a returning person: one
   * read, one write). When that stream cannot decide (the identity is linked to another person,
   * or was merged), or its statement meets another person's claim on the identity or the
   * unionid, the identity is looked up and the login decided on the person found: linked to
   * the holder of its unionid, or merged with it when the unionid arrived late.
   */
  async logIn(data: LogIn['data'], metadata?: UserEventMetadata, options: UserCommandOptions = {}): Promise<LogInOutcome> {
    const command = (resolved?: LogIn['data']['resolved']): LogIn => ({
      type: 'LogIn',
      data: { ...data, ...(resolved && { resolved }) },
      ...(metadata && { metadata }),
    });
    const identity = `${data.appId}\0${data.openid}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const linked = attempt === 1 ? this.#linked.get(identity) : undefined;
        const resolved = attempt === 1
          ? (linked === undefined ? undefined : { target: linked })
          : await resolveLogin(this.db, data.appId, data.openid, data.unionid);
        try {
          const result = await this.handle(command(resolved), options);
          if (!result.user) throw new UserNotFoundError(result.userId);
          this.#rememberLink(identity, result.userId === userIdFor(data.appId, data.openid) ? undefined : result.userId);
          return { isNew: result.isNew, user: result.user };
        } catch (error) {
          if (!(error instanceof MergeNeeded) || resolved === undefined) throw error;
          const { survivor, absorbed, result } = await this.#merge(resolved.target, error.other, data.now, metadata, (users, into) =>
            users.handle(command({ target: into }), { ...options, maxAttempts: 1 }));
          if (!result.user) throw new UserNotFoundError(survivor);
          this.#rememberLink(identity, survivor === userIdFor(data.appId, data.openid) ? undefined : survivor);
          return { isNew: false, user: result.user, absorbed };
        }
      } catch (error) {
        const again = error instanceof LoginElsewhere || error instanceof MergeNeeded || isClaimTaken(error)
          || isTransactionRace(error) || error instanceof ConcurrencyError;
        if (!again) throw error;
        if (attempt >= RESOLVE_ATTEMPTS) throw stillRacing(userIdFor(data.appId, data.openid), error);
      }
    }
  }

  /**
   * Merges two persons in one transaction: UserMerged in the later-registered one (its
   * identities move, its tokens are refused), PersonAbsorbed in the survivor, then `then` on
   * the survivor (the command that found them to be one).
   */
  async #merge<T>(
    a: string,
    b: string,
    now: Date,
    metadata: UserEventMetadata | undefined,
    then: (users: Users, survivor: string) => Promise<T>,
  ): Promise<{ survivor: string; absorbed: User; result: T }> {
    return this.#inTransaction(async (users) => {
      // Both rows locked, in one order: a racing merge of the same persons waits, then finds them merged.
      await users.db.query('SELECT id FROM users WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [[a, b]]);
      const [first, second] = [await readSnapshot<User>(users.db, userStream, userStreamId(a)), await readSnapshot<User>(users.db, userStream, userStreamId(b))];
      if (first.state === null || second.state === null || !isLive(first.state) || !isLive(second.state)) throw new LoginElsewhere();
      const { survivor, absorbed } = survivorOf(first.state, second.state);
      const meta = metadata ? { metadata } : {};
      const merged = await users.handle({ type: 'MergeInto', data: { userId: absorbed.id, into: survivor.id, now }, ...meta }, { maxAttempts: 1 });
      await users.handle({ type: 'AbsorbPerson', data: { userId: survivor.id, absorbed, now }, ...meta }, { maxAttempts: 1 });
      return { survivor: survivor.id, absorbed: merged.user!, result: await then(users, survivor.id) };
    });
  }

  updateProfile(userId: string, profile: Profile & { source?: ProfileSource; review?: ProfileReview }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return this.#user({ type: 'UpdateProfile', data: { userId, ...profile, now }, ...(metadata && { metadata }) });
  }

  /**
   * Binds the number, unless another live person holds it: then PHONE_NUMBER_TAKEN, or with
   * PHONE_CONFLICT=merge a merge of the two (when WeChat does not say they are two humans),
   * the number staying with the survivor. Returns the person after (the survivor on a merge).
   */
  async bindPhone(userId: string, phone: { phone: string; countryCode: string }, now: Date, metadata?: UserEventMetadata): Promise<User> {
    return (await this.bindPhoneNumber(userId, phone, now, metadata)).user;
  }

  /** bindPhone, saying also which person a merge absorbed. */
  async bindPhoneNumber(userId: string, phone: { phone: string; countryCode: string }, now: Date, metadata?: UserEventMetadata): Promise<PhoneBinding> {
    const conflict = this.#options.phoneConflict ?? 'refuse';
    const command = (id: string, holder: { userId: string; unionid: string | null } | null): UserCommand => ({
      type: 'BindPhone',
      data: { userId: id, ...phone, holder, conflict, now },
      ...(metadata && { metadata }),
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const holder = await phoneHolder(this.db, userId, phone.phone, phone.countryCode);
        try {
          return { user: await this.#user(command(userId, holder)) };
        } catch (error) {
          if (!(error instanceof MergeNeeded)) throw error;
          const merged = await this.#merge(userId, error.other, now, metadata, (users, into) => users.#user(command(into, null), { maxAttempts: 1 }));
          return { user: merged.result, absorbed: merged.absorbed };
        }
      } catch (error) {
        const again = isClaimTaken(error) || isTransactionRace(error) || error instanceof ConcurrencyError || error instanceof LoginElsewhere;
        if (!again) throw error;
        if (attempt >= RESOLVE_ATTEMPTS) throw stillRacing(userId, error);
      }
    }
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

  /**
   * Erasure: the personal data's key, the session secret of every identity and the identities
   * go in the statement of UserErased; every person merged into this one is erased with it, in
   * one transaction.
   */
  async erase(userId: string, now: Date, metadata?: UserEventMetadata): Promise<User | null> {
    const erase = (users: Users, id: string) =>
      users.handle({ type: 'EraseUser', data: { userId: id, now }, ...(metadata && { metadata }) }, { maxAttempts: 1 });
    for (let attempt = 1; ; attempt++) {
      try {
        // Asked again on each attempt: a merge that won the race has absorbed one more.
        const absorbed = await absorbedInto(this.db, userId);
        if (absorbed.length === 0) return (await erase(this, userId)).user;
        return await this.#inTransaction(async (users) => {
          for (const id of absorbed) await erase(users, id);
          return (await erase(users, userId)).user;
        });
      } catch (error) {
        if (!(error instanceof ConcurrencyError || isTransactionRace(error))) throw error;
        if (attempt >= ERASE_ATTEMPTS) throw stillRacing(userId, error);
        // Full jitter, as the store's own retries: racing writers spread out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 * 2 ** attempt)));
      }
    }
  }

  /** Every person merged into this one (their streams hold the history they brought). */
  absorbedInto(userId: string): Promise<string[]> {
    return absorbedInto(this.db, userId);
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

  /** Empties `users` and folds every user stream into it again, then `user_identities` from it; returns the events folded. */
  async rebuild(options?: RebuildOptions): Promise<number> {
    return this.store.rebuild(userStream, { ...options, derive: rebuildIdentities });
  }
}
