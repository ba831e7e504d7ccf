// What the server's routes call: one object over the user streams, the users table, the
// session keys and the failed-login record.

import type { AppendPart } from '../store/append.js';
import type { Database } from '../store/database.js';
import type { EventStore } from '../store/eventStore.js';
import type { LogIn, Profile, UserCommand } from './commands.js';
import type { ProfileSource, UserEventMetadata } from './events.js';
import { createUserEventStore, handleUserCommand, type HandleOptions, type UserCommandResult } from './handler.js';
import { catchUpLoginFailures, recordLoginFailure, type LoginFailure } from './loginFailures.js';
import { SessionKeys } from './sessionKeys.js';
import { findUserById, findUserByOpenid, rebuildUsers, type UserRow } from './usersProjection.js';
import { UserNotFoundError } from './errors.js';

export interface LogInResult {
  isNew: boolean;
  user: UserRow;
}

export interface LogInOptions {
  /**
   * More writes that commit with the login or not at all, in its statement; called once per
   * attempt (a conflict makes another), with that attempt's outcome.
   */
  alongside?: (result: LogInResult) => readonly AppendPart[];
}

export class Users {
  readonly db: Database;
  readonly store: EventStore;
  readonly sessionKeys: SessionKeys;
  readonly #options: HandleOptions;

  constructor(db: Database, options: HandleOptions = {}) {
    this.db = db;
    this.store = createUserEventStore(db);
    this.sessionKeys = new SessionKeys(db);
    this.#options = options;
  }

  handle(command: UserCommand, options: Pick<HandleOptions, 'alongside'> = {}): Promise<UserCommandResult> {
    return handleUserCommand(this.store, command, { ...this.#options, ...options });
  }

  /** The users row after the command, as its statement wrote it. */
  #row(result: UserCommandResult): UserRow {
    if (!result.user) throw new UserNotFoundError(result.userId);
    return result.user;
  }

  /** Register-or-log-in; `alongside` commits with the login's events. */
  async logIn(data: LogIn['data'], metadata?: UserEventMetadata, options: LogInOptions = {}): Promise<LogInResult> {
    const { alongside } = options;
    const result = await this.handle(
      { type: 'LogIn', data, ...(metadata && { metadata }) },
      alongside ? { alongside: (handled) => alongside({ isNew: handled.isNew, user: this.#row(handled) }) } : {},
    );
    return { isNew: result.isNew, user: this.#row(result) };
  }

  async updateProfile(
    userId: string,
    profile: Profile & { source?: ProfileSource },
    now: Date,
    metadata?: UserEventMetadata,
  ): Promise<UserRow> {
    const command = { type: 'UpdateProfile' as const, data: { userId, ...profile, now } };
    return this.#row(await this.handle({ ...command, ...(metadata && { metadata }) }));
  }

  async bindPhone(
    userId: string,
    phone: { phone: string; countryCode: string },
    now: Date,
    metadata?: UserEventMetadata,
  ): Promise<UserRow> {
    const command = { type: 'BindPhone' as const, data: { userId, ...phone, now } };
    return this.#row(await this.handle({ ...command, ...(metadata && { metadata }) }));
  }

  /** Logout everywhere: returns the row with the raised token version. */
  async revokeSessions(userId: string, now: Date, metadata?: UserEventMetadata): Promise<UserRow> {
    return this.#row(await this.handle({ type: 'RevokeSessions', data: { userId, now }, ...(metadata && { metadata }) }));
  }

  async erase(userId: string, now: Date, metadata?: UserEventMetadata): Promise<void> {
    await this.handle({ type: 'EraseUser', data: { userId, now }, ...(metadata && { metadata }) });
  }

  findById(userId: string): Promise<UserRow | null> {
    return findUserById(this.db, userId);
  }

  findByOpenid(appId: string, openid: string): Promise<UserRow | null> {
    return findUserByOpenid(this.db, appId, openid);
  }

  recordLoginFailure(failure: LoginFailure): Promise<void> {
    return recordLoginFailure(this.store, failure);
  }

  catchUpLoginFailures(): Promise<number> {
    return catchUpLoginFailures(this.db);
  }

  rebuild(): Promise<number> {
    return rebuildUsers(this.db);
  }
}
