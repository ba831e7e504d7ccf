// The user decider: pure `decide(command, state) → events` and `evolve(state, event) → state`.
// No clock, no randomness, no I/O: the command brings the time and the provider's answer.
// `evolve` is the one fold of a user's events: the state decided from, the `users` row, and
// a rebuild all come from it.

import type { LogIn, Profile, RecordReview, ReviewResult, UserCommand } from './commands.js';
import { InvalidUserDataError, PhoneNumberTakenError, UserErasedError, UserNotFoundError } from './errors.js';
import type { ReviewedField, UserEvent, UserEventMetadata } from './events.js';
import { userIdFor } from './identity.js';
import { absorption, evolveAbsorbed, evolveLinked, evolveMerged, LoginElsewhere, MergeNeeded, unionidsDiffer } from './persons.js';
import { hasIdentity, type User } from './user.js';

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
  const { appId, openid, unionid, rid, resolved } = command.data;
  const at = command.data.now.toISOString();
  const ownId = userIdFor(appId, openid);
  const userId = resolved?.target ?? ownId;
  const profile = usableProfile(command.data.profile);
  const events: UserEvent[] = [];
  const traced = rid ? { rid } : {};

  if (state === null || state.erasedAt !== null) {
    // Only the identity's own stream registers it; another person found gone is a stale lookup.
    if (userId !== ownId) throw new LoginElsewhere();
    // Unknown, or erased and back: the first login (again) registers an empty account.
    events.push({ type: 'UserRegistered', data: { userId, appId, openid, ...(unionid ? { unionid, unionidClaimed: true as const } : {}), at } });
    if (profile) events.push({ type: 'ProfileUpdated', data: { userId, ...profile, source: 'wechat', at } });
    if (profile && command.data.reviewProfile) events.push(deferredWithLogin(userId, at));
    events.push({ type: 'UserLoggedIn', data: { userId, at, ...traced } });
    return events.map((event) => withMetadata(event, command.metadata));
  }
  if (state.mergedInto !== null) throw new LoginElsewhere(); // logs in as the survivor
  if (!hasIdentity(state, appId, openid)) {
    // A first login from another app whose unionid is this person's.
    if (unionid === undefined || unionid !== state.unionid) throw new LoginElsewhere();
    events.push({ type: 'IdentityLinked', data: { userId, appId, openid, unionid, at } });
  } else if (resolved?.mergeWith !== undefined && resolved.mergeWith !== userId && unionid !== undefined
    && (state.unionid === null || state.unionid === unionid || !state.unionidClaimed)) {
    // The unionid arrived late and another person holds it: the same human registered twice.
    throw new MergeNeeded(resolved.mergeWith);
  }
  if (profile && (profile.nickname !== state.nickname || profile.avatarUrl !== state.avatarUrl)) {
    events.push({ type: 'ProfileUpdated', data: { userId, ...profile, source: 'wechat', at } });
    if (command.data.reviewProfile && profile.nickname !== state.nickname) events.push(deferredWithLogin(userId, at));
  }
  // A unionid not held yet is claimed (the statement fails if another live person holds it);
  // one another person holds, and this one's own differs, is left to them: two humans.
  const heldElsewhere = resolved?.mergeWith !== undefined && resolved.mergeWith !== userId;
  const claim = unionid && !heldElsewhere && (unionid !== state.unionid || !state.unionidClaimed) ? { unionid, unionidClaimed: true as const } : {};
  events.push({ type: 'UserLoggedIn', data: { userId, at, ...traced, ...claim } });
  return events.map((event) => withMetadata(event, command.metadata));
}

// A legacy payload's nickname is checked once the login is done, outside its statement.
const deferredWithLogin = (userId: string, at: string): UserEvent => ({
  type: 'ProfileReviewDeferred',
  data: { userId, field: 'nickname', reason: 'with_login', at },
});

/** The event that records a review result for a field (none when it changes nothing). */
function reviewEvent(user: User, field: ReviewedField, result: ReviewResult, at: string): UserEvent | undefined {
  const userId = user.id;
  const current = field === 'nickname' ? user.nicknameReview : user.avatarReview;
  const trace = 'traceId' in result && result.traceId !== undefined ? { traceId: result.traceId } : {};
  const label = 'label' in result && result.label !== undefined ? { label: result.label } : {};
  switch (result.kind) {
    case 'passed':
      return { type: 'ProfileReviewPassed', data: { userId, field, check: result.check, ...trace, ...label, at } };
    case 'refused':
      return { type: 'ProfileReviewRefused', data: { userId, field, check: result.check, ...trace, ...label, at } };
    case 'pending': {
      const suggest = result.suggest ? { suggest: result.suggest } : {};
      if (current === 'pending' && (field === 'nickname' || user.avatarTraceId === (result.traceId ?? null))) return undefined;
      return { type: 'ProfileReviewRequested', data: { userId, field, check: result.check, ...trace, ...suggest, at } };
    }
    case 'deferred':
      if (current === 'deferred') return undefined;
      return { type: 'ProfileReviewDeferred', data: { userId, field, reason: result.reason, at } };
  }
}

function decideRecordReview(command: RecordReview, user: User): UserEvent[] {
  const { field, checked, result } = command.data;
  const stillThere = 'value' in checked ? user[field] === checked.value : field === 'avatarUrl' && user.avatarTraceId === checked.traceId;
  const reviewed = (field === 'nickname' ? user.nicknameReview : user.avatarReview) !== null;
  // A verdict for a value replaced since, or for a field already judged, changes nothing.
  if (!stillThere || !reviewed) return [];
  const event = reviewEvent(user, field, result, command.data.now.toISOString());
  return event ? [withMetadata(event, command.metadata)] : [];
}

function requireActive(state: UserState, userId: string): User {
  if (state === null) throw new UserNotFoundError(userId);
  if (state.erasedAt !== null) throw new UserErasedError(userId);
  // A merged person's tokens are refused; a command that still reaches it finds nobody.
  if (state.mergedInto !== null) throw new UserNotFoundError(userId);
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
      const review = command.data.review ?? {};
      const changed = (field: ReviewedField) => (field === 'nickname' ? nickname !== user.nickname : avatarUrl !== user.avatarUrl);
      const reviewed = (['nickname', 'avatarUrl'] as const).filter((field) => review[field] !== undefined && changed(field));
      // A synchronous pass is said in the update itself; anything still open gets its own event.
      const passed = reviewed.filter((field) => review[field]!.kind === 'passed');
      const updatedEvent: UserEvent = {
        type: 'ProfileUpdated',
        data: { userId: user.id, nickname, avatarUrl, source, ...(passed.length > 0 ? { passedReview: passed } : {}), at },
      };
      const events: UserEvent[] = [updatedEvent];
      // Reviews start from the updated record: a changed field has no review state yet.
      const updated = evolve(user, updatedEvent)!;
      for (const field of reviewed) {
        if (review[field]!.kind === 'passed') continue;
        const event = reviewEvent(updated, field, review[field]!, at);
        if (event) events.push(event);
      }
      return events.map((event) => withMetadata(event, command.metadata));
    }

    case 'BindPhone': {
      const user = requireActive(state, command.data.userId);
      const phone = required('phone', command.data.phone, 32);
      const countryCode = required('countryCode', command.data.countryCode, 8);
      if (phone === user.phone && countryCode === user.phoneCountryCode) return [];
      const { holder } = command.data;
      if (holder && holder.userId !== user.id) {
        // `merge` joins two persons only when WeChat does not say they are two humans.
        if (command.data.conflict === 'merge' && !unionidsDiffer(user, holder)) throw new MergeNeeded(holder.userId);
        throw new PhoneNumberTakenError();
      }
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'PhoneNumberBound', data: { userId: user.id, phone, countryCode, claimed: true, at } },
          command.metadata,
        ),
      ];
    }

    case 'MergeInto': {
      const user = requireActive(state, command.data.userId);
      const at = command.data.now.toISOString();
      return [withMetadata({ type: 'UserMerged', data: { userId: user.id, into: command.data.into, tokenVersion: user.tokenVersion + 1, at } }, command.metadata)];
    }

    case 'AbsorbPerson': {
      const user = requireActive(state, command.data.userId);
      const data = absorption(user, command.data.absorbed, command.data.now.toISOString());
      return [withMetadata({ type: 'PersonAbsorbed', data }, command.metadata)];
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

    case 'RecordReview':
      return decideRecordReview(command, requireActive(state, command.data.userId));

    case 'RecordPhoneFailure': {
      const user = requireActive(state, command.data.userId);
      const { error, errcode } = command.data;
      const at = command.data.now.toISOString();
      return [
        withMetadata(
          { type: 'PhoneNumberNotBound', data: { userId: user.id, error, ...(errcode === undefined ? {} : { errcode }), at } },
          command.metadata,
        ),
      ];
    }

    case 'ReportPhoneUnavailable': {
      const user = requireActive(state, command.data.userId);
      const at = command.data.now.toISOString();
      return [withMetadata({ type: 'PhoneNumberUnavailable', data: { userId: user.id, errno: command.data.errno, at } }, command.metadata)];
    }

    case 'RecordConsent': {
      const user = requireActive(state, command.data.userId);
      const guideVersion = required('guideVersion', command.data.guideVersion, 64);
      const { decision } = command.data;
      if (decision === user.consent && guideVersion === user.consentGuideVersion) return []; // the same answer again
      const at = command.data.now.toISOString();
      return [withMetadata({ type: 'ConsentRecorded', data: { userId: user.id, decision, guideVersion, at } }, command.metadata)];
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
      nicknameReview: null,
      avatarReview: null,
      avatarTraceId: null,
      consent: null,
      consentGuideVersion: null,
      consentAt: null,
      identities: [{ appId, openid }],
      unionidClaimed: unionid !== undefined && event.data.unionidClaimed === true,
      phoneClaimed: false,
      mergedInto: null,
    };
  }
  if (state === null) return null; // no registration seen: nothing to update
  switch (event.type) {
    case 'UserLoggedIn':
      return {
        ...state,
        unionid: event.data.unionid ?? state.unionid,
        unionidClaimed: event.data.unionid === undefined ? state.unionidClaimed : event.data.unionidClaimed === true,
        lastLoginAt: new Date(event.data.at),
        loginCount: state.loginCount + 1,
      };
    // Personal fields of an erased user's events read back absent (`redacted`): kept as they are.
    case 'ProfileUpdated': {
      const nickname = event.data.nickname ?? state.nickname;
      const avatarUrl = event.data.avatarUrl ?? state.avatarUrl;
      // A new value has not been reviewed: whatever was said of the old one does not apply.
      const nicknameReview = nickname === state.nickname ? state.nicknameReview : null;
      const avatarKept = avatarUrl === state.avatarUrl;
      return {
        ...state,
        nickname,
        avatarUrl,
        nicknameReview,
        avatarReview: avatarKept ? state.avatarReview : null,
        avatarTraceId: avatarKept ? state.avatarTraceId : null,
      };
    }
    case 'ProfileReviewRequested':
    case 'ProfileReviewDeferred': {
      const review = event.type === 'ProfileReviewRequested' ? 'pending' : 'deferred';
      if (event.data.field === 'nickname') return { ...state, nicknameReview: review };
      const traceId = event.type === 'ProfileReviewRequested' ? (event.data.traceId ?? null) : null;
      return { ...state, avatarReview: review, avatarTraceId: traceId };
    }
    case 'ProfileReviewPassed':
      return event.data.field === 'nickname'
        ? { ...state, nicknameReview: null }
        : { ...state, avatarReview: null, avatarTraceId: null };
    case 'ProfileReviewRefused':
      return event.data.field === 'nickname'
        ? { ...state, nickname: null, nicknameReview: null }
        : { ...state, avatarUrl: null, avatarReview: null, avatarTraceId: null };
    case 'PhoneNumberNotBound':
    case 'PhoneNumberUnavailable':
      return state; // kept in the log for the record; the user is unchanged
    case 'ConsentRecorded':
      return { ...state, consent: event.data.decision, consentGuideVersion: event.data.guideVersion, consentAt: new Date(event.data.at) };
    case 'PhoneNumberBound':
      return {
        ...state,
        phone: event.data.phone ?? state.phone,
        phoneCountryCode: event.data.countryCode ?? state.phoneCountryCode,
        phoneClaimed: event.data.phone === undefined ? state.phoneClaimed : event.data.claimed === true,
      };
    case 'IdentityLinked':
      return evolveLinked(state, event);
    case 'UserMerged':
      return evolveMerged(state, event);
    case 'PersonAbsorbed':
      return evolveAbsorbed(state, event);
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
        nicknameReview: null,
        avatarReview: null,
        avatarTraceId: null,
        identities: [],
        unionidClaimed: false,
        phoneClaimed: false,
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
