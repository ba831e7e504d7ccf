// The user decider: pure `decide(command, state) → events` and `evolve(state, event) → state`.
// No clock, no randomness, no I/O: the command brings the time and WeChat's answer.

import type { LogIn, Profile, UserCommand } from './commands.js';
import { InvalidUserDataError, UserErasedError, UserNotFoundError } from './errors.js';
import type { UserEvent, UserEventMetadata } from './events.js';
import { userIdFor } from './identity.js';

export interface ActiveUser {
  status: 'active';
  userId: string;
  appId: string;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
  phone: string | null;
  countryCode: string | null;
  tokenVersion: number;
}

export interface ErasedUser {
  status: 'erased';
  userId: string;
  appId: string;
  openid: string;
  tokenVersion: number;
}

export type UserState = { status: 'unknown' } | ActiveUser | ErasedUser;

export const initialState: UserState = { status: 'unknown' };

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

  if (state.status === 'active') {
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

function requireActive(state: UserState, userId: string): ActiveUser {
  if (state.status === 'unknown') throw new UserNotFoundError(userId);
  if (state.status === 'erased') throw new UserErasedError(userId);
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
          { type: 'ProfileUpdated', data: { userId: user.userId, nickname, avatarUrl, source, at } },
          command.metadata,
        ),
      ];
    }

    case 'BindPhone': {
      const user = requireActive(state, command.data.userId);
      const phone = required('phone', command.data.phone, 32);
      const countryCode = required('countryCode', command.data.countryCode, 8);
      if (phone === user.phone && countryCode === user.countryCode) return [];
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'PhoneNumberBound', data: { userId: user.userId, phone, countryCode, at } },
          command.metadata,
        ),
      ];
    }

    case 'RevokeSessions': {
      const user = requireActive(state, command.data.userId);
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'SessionsRevoked', data: { userId: user.userId, tokenVersion: user.tokenVersion + 1, at } },
          command.metadata,
        ),
      ];
    }

    case 'EraseUser': {
      if (state.status === 'unknown') throw new UserNotFoundError(command.data.userId);
      if (state.status === 'erased') return []; // erasing twice is erasing once
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'UserErased', data: { userId: state.userId, tokenVersion: state.tokenVersion + 1, at } },
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
  switch (event.type) {
    case 'UserRegistered': {
      const { userId, appId, openid, unionid } = event.data;
      return {
        status: 'active',
        userId,
        appId,
        openid,
        unionid: unionid ?? null,
        nickname: null,
        avatarUrl: null,
        phone: null,
        countryCode: null,
        // Back after an erasure: tokens of the erased account stay refused.
        tokenVersion: state.status === 'unknown' ? 0 : state.tokenVersion,
      };
    }
    case 'UserLoggedIn':
      if (state.status !== 'active' || event.data.unionid === undefined) return state;
      return { ...state, unionid: event.data.unionid };
    case 'ProfileUpdated':
      if (state.status !== 'active') return state;
      return {
        ...state,
        nickname: event.data.nickname ?? state.nickname,
        avatarUrl: event.data.avatarUrl ?? state.avatarUrl,
      };
    case 'PhoneNumberBound':
      if (state.status !== 'active') return state;
      return { ...state, phone: event.data.phone ?? state.phone, countryCode: event.data.countryCode ?? state.countryCode };
    case 'SessionsRevoked':
      if (state.status !== 'active') return state;
      return { ...state, tokenVersion: event.data.tokenVersion };
    case 'UserErased':
      if (state.status === 'unknown') return state;
      return {
        status: 'erased',
        userId: state.userId,
        appId: state.appId,
        openid: state.openid,
        tokenVersion: event.data.tokenVersion,
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
