// The user decider: pure `decide(command, state) → events` and `evolve(state, event) → state`.
// No clock, no randomness, no I/O: the command brings the time and the provider's answer.
// `evolve` is the one fold of a user's events: the state decided from, the `users` row, and
// a rebuild all come from it.

import type { LogIn, Profile, UserCommand } from './commands.js';
import { InvalidUserDataError, UserErasedError, UserNotFoundError } from './errors.js';
import type { UserEvent, UserEventMetadata } from './events.js';
import { userIdFor } from './identity.js';
import type { User } from './user.js';

/** No user yet (null), or the record folded from the user's events so far. */
export type UserState = User | null;

export const initialState: UserState = null;

// Since late 2022 getUserProfile and the legacy payload answer this placeholder for everyone;
// it must never overwrite a real profile, nor count as one.
const ANONYMOUS_NICKNAME = '微信用户';

function usableProfile(profile: Profile | undefined): Profile | undefined {
  if (!profile) return undefined;
  const nickname = profile.nickname.trim();
  if (nickname === '' || nickname === ANONYMOUS_NICKNAME) return undefined;
  return { nickname, avatarUrl: profile.avatarUrl.trim() };
}

function withMetadata<E extends UserEvent>(event: E, metadata: UserEventMetadata | undefined): E {
  return metadata ? { ...event, metadata } : event;
}

function decideLogIn(command: LogIn, state: UserState): UserEvent[] {
  const { appId, openid, unionid, rid } = command.data;
  const at = command.data.now.toISOString();
  const userId = userIdFor(appId, openid);
  const profile = usableProfile(command.data.profile);
  const events: UserEvent[] = [];

  if (state !== null && state.erasedAt === null) {
    if (profile && (profile.nickname !== state.nickname || profile.avatarUrl !== state.avatarUrl)) {
      events.push({ type: 'ProfileUpdated', data: { userId, ...profile, source: 'wechat', at } });
    }
    const newUnionid = unionid && unionid !== state.unionid ? { unionid } : {};
    events.push({ type: 'UserLoggedIn', data: { userId, at, ...(rid ? { rid } : {}), ...newUnionid } });
  } else {
    // Unknown, or erased and back: the first login (again) registers an empty account.
    events.push({ type: 'UserRegistered', data: { userId, appId, openid, ...(unionid ? { unionid } : {}), at } });
    if (profile) events.push({ type: 'ProfileUpdated', data: { userId, ...profile, source: 'wechat', at } });
    events.push({ type: 'UserLoggedIn', data: { userId, at, ...(rid ? { rid } : {}) } });
  }
  return events.map((event) => withMetadata(event, command.metadata));
}

function requireActive(state: UserState, userId: string): User {
  if (state === null) throw new UserNotFoundError(userId);
  if (state.erasedAt !== null) throw new UserErasedError(userId);
  return state;
}

function required(field: string, value: string, maxLength: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidUserDataError(field, `${field} must not be empty.`);
  if (trimmed.length > maxLength) {
    throw new InvalidUserDataError(field, `${field} must be at most ${maxLength} characters.`);
  }
  return trimmed;
}

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'LogIn':
      return decideLogIn(command, state);

    case 'UpdateProfile': {
      const user = requireActive(state, command.data.userId);
      const nickname = required('nickname', command.data.nickname, 64);
      const avatarUrl = required('avatarUrl', command.data.avatarUrl, 1024);
      if (nickname === user.nickname && avatarUrl === user.avatarUrl) return [];
      const source = command.data.source ?? 'fill_in';
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'ProfileUpdated', data: { userId: user.id, nickname, avatarUrl, source, at } },
          command.metadata,
        ),
      ];
    }

    case 'BindPhone': {
      const user = requireActive(state, command.data.userId);
      const phone = required('phone', command.data.phone, 32);
      const countryCode = required('countryCode', command.data.countryCode, 8);
      if (phone === user.phone && countryCode === user.phoneCountryCode) return [];
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'PhoneNumberBound', data: { userId: user.id, phone, countryCode, at } },
          command.metadata,
        ),
      ];
    }

    case 'RevokeSessions': {
      const user = requireActive(state, command.data.userId);
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'SessionsRevoked', data: { userId: user.id, tokenVersion: user.tokenVersion + 1, at } },
          command.metadata,
        ),
      ];
    }

    case 'EraseUser': {
      if (state === null) throw new UserNotFoundError(command.data.userId);
      if (state.erasedAt !== null) return []; // erasing twice is erasing once
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'UserErased', data: { userId: state.id, tokenVersion: state.tokenVersion + 1, at } },
          command.metadata,
        ),
      ];
    }

    default: {
      const unknown: never = command;
      throw new TypeError(`Unknown user command ${(unknown as { type: string }).type}`);
    }
  }
}

export function evolve(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') {
    const { userId, appId, openid, unionid, at } = event.data;
    // A user back after erasure starts empty, but keeps the token version (old tokens stay dead).
    return {
      id: userId,
      appId,
      openid,
      unionid: unionid ?? null,
      nickname: null,
      avatarUrl: null,
      phone: null,
      phoneCountryCode: null,
      tokenVersion: state?.tokenVersion ?? 0,
      createdAt: new Date(at),
      lastLoginAt: null,
      loginCount: 0,
      erasedAt: null,
    };
  }
  if (state === null) return null; // no registration seen: nothing to update
  switch (event.type) {
    case 'UserLoggedIn':
      return {
        ...state,
        unionid: event.data.unionid ?? state.unionid,
        lastLoginAt: new Date(event.data.at),
        loginCount: state.loginCount + 1,
      };
    // Personal fields of an erased user's events read back absent (`redacted`): kept as they are.
    case 'ProfileUpdated':
      return { ...state, nickname: event.data.nickname ?? state.nickname, avatarUrl: event.data.avatarUrl ?? state.avatarUrl };
    case 'PhoneNumberBound':
      return { ...state, phone: event.data.phone ?? state.phone, phoneCountryCode: event.data.countryCode ?? state.phoneCountryCode };
    case 'SessionsRevoked':
      return { ...state, tokenVersion: event.data.tokenVersion };
    case 'UserErased':
      return {
        ...state,
        unionid: null,
        nickname: null,
        avatarUrl: null,
        phone: null,
        phoneCountryCode: null,
        tokenVersion: event.data.tokenVersion,
        erasedAt: new Date(event.data.at),
      };
    default: {
      const unknown: never = event;
      throw new TypeError(`Unknown user event ${(unknown as { type: string }).type}`);
    }
  }
}

export function stateFrom(events: readonly UserEvent[]): UserState {
  return events.reduce(evolve, initialState);
}
