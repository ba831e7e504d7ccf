// What happened to a user: past-tense facts, one stream per user. Times are ISO strings taken
// from the command, so a rebuild from the log yields exactly what was built live.
//
// Personal fields (unionid, nickname, avatarUrl, phone, countryCode) are sealed with the
// user's key before they reach the log (./personalData.ts). After the key is destroyed an event
// reads back with those fields absent and `redacted: true`.

// A type alias, not an interface: it must fit the store's Record<string, unknown> metadata.
export type UserEventMetadata = {
  /** The HTTP request that caused it, to follow one request through the log. */
  requestId?: string;
  /** The operator who did it from the admin console (server/admin/), by name. */
  operator?: string;
};

interface Redactable {
  /** Present (true) when the personal fields could not be read back: the user was erased. */
  redacted?: true;
}

/**
 * `unionidClaimed`: the unionid is held under the rule that one live person has it (written
 * since migration 020); an older event's unionid is not, and the person's next login checks it.
 */
export interface UserRegistered {
  type: 'UserRegistered';
  data: Redactable & { userId: string; appId: string; openid: string; unionid?: string; unionidClaimed?: true; at: string };
  metadata?: UserEventMetadata;
}

export interface UserLoggedIn {
  type: 'UserLoggedIn';
  /** `unionid` when WeChat sent one we did not know yet; `rid` is WeChat's trace id. */
  data: Redactable & { userId: string; at: string; rid?: string; unionid?: string; unionidClaimed?: true };
  metadata?: UserEventMetadata;
}

/** A first login from another app whose unionid belongs to this person: the identity is now theirs. */
export interface IdentityLinked {
  type: 'IdentityLinked';
  data: Redactable & { userId: string; appId: string; openid: string; unionid?: string; at: string };
  metadata?: UserEventMetadata;
}

/**
 * In the absorbed person's stream: it is one person with `into` (registered earlier). Its
 * identities and personal fields moved there (PersonAbsorbed); its tokens are refused.
 */
export interface UserMerged {
  type: 'UserMerged';
  data: { userId: string; into: string; tokenVersion: number; at: string };
  metadata?: UserEventMetadata;
}

/** In the survivor's stream: exactly what moved over from the absorbed person. */
export interface PersonAbsorbed {
  type: 'PersonAbsorbed';
  data: Redactable & {
    userId: string;
    absorbed: string;
    identities: Array<{ appId: string; openid: string }>;
    /** The unionid the survivor holds from now on, when it had none or held it unclaimed. */
    unionid?: string;
    nickname?: string;
    avatarUrl?: string;
    phone?: string;
    countryCode?: string;
    /** The moved number is held under the uniqueness rule. */
    phoneClaimed?: true;
    /** The review state of a moved nickname or avatar. */
    nicknameReview?: ReviewState;
    avatarReview?: ReviewState;
    avatarTraceId?: string;
    /** The absorbed person's answer to the privacy guide, when newer than the survivor's. */
    consent?: { decision: ConsentDecision; guideVersion: string; at: string };
    at: string;
  };
  metadata?: UserEventMetadata;
}

export type ProfileSource = 'wechat' | 'fill_in';

export interface ProfileUpdated {
  type: 'ProfileUpdated';
  /** `passedReview`: fields whose new value passed a synchronous content check before it was stored. */
  data: Redactable & { userId: string; nickname?: string; avatarUrl?: string; source: ProfileSource; passedReview?: ReviewedField[]; at: string };
  metadata?: UserEventMetadata;
}

export interface PhoneNumberBound {
  type: 'PhoneNumberBound';
  /** `phone` without the country code (WeChat's purePhoneNumber). */
  /** `claimed`: held under the rule that one live person has a number (bound since migration 020). */
  data: Redactable & { userId: string; phone?: string; countryCode?: string; claimed?: true; at: string };
  metadata?: UserEventMetadata;
}

export interface SessionsRevoked {
  type: 'SessionsRevoked';
  /** Tokens carrying an older version are refused from now on. */
  data: { userId: string; tokenVersion: number; at: string };
  metadata?: UserEventMetadata;
}

export interface UserErased {
  type: 'UserErased';
  data: { userId: string; tokenVersion: number; at: string };
  metadata?: UserEventMetadata;
}

/** A profile field whose stored value passes content review. */
export type ReviewedField = 'nickname' | 'avatarUrl';

/**
 * `pending`: WeChat has it (a text answered "review", or an image whose verdict is pushed later);
 * `deferred`: not checked yet (WeChat refused because the person had not visited in 2 hours, or
 * the field came with a login's payload): checked after the person's next login.
 */
export type ReviewState = 'pending' | 'deferred';

/** WeChat's security checks: text at once, images with the verdict pushed later. */
export type ReviewCheck = 'msg_sec_check' | 'media_check_async';

export interface ProfileReviewRequested {
  type: 'ProfileReviewRequested';
  /** `traceId` of an asynchronous check; `suggest` "review" when a text check said so. */
  data: { userId: string; field: ReviewedField; check: ReviewCheck; traceId?: string; suggest?: 'review'; at: string };
  metadata?: UserEventMetadata;
}

export interface ProfileReviewDeferred {
  type: 'ProfileReviewDeferred';
  data: { userId: string; field: ReviewedField; reason: 'not_visited' | 'with_login'; at: string };
  metadata?: UserEventMetadata;
}

export interface ProfileReviewPassed {
  type: 'ProfileReviewPassed';
  data: { userId: string; field: ReviewedField; check: ReviewCheck; traceId?: string; label?: number; at: string };
  metadata?: UserEventMetadata;
}

/** The field's value was found risky and is removed. */
export interface ProfileReviewRefused {
  type: 'ProfileReviewRefused';
  data: { userId: string; field: ReviewedField; check: ReviewCheck; traceId?: string; label?: number; at: string };
  metadata?: UserEventMetadata;
}

/** A phone-number code that WeChat did not turn into a number (the code is never sent again). */
export interface PhoneNumberNotBound {
  type: 'PhoneNumberNotBound';
  data: { userId: string; error: string; errcode?: number; at: string };
  metadata?: UserEventMetadata;
}

/** The phone reported that WeChat handed out no number (errno 1400001: the app's quota is spent). */
export interface PhoneNumberUnavailable {
  type: 'PhoneNumberUnavailable';
  data: { userId: string; errno: number; at: string };
  metadata?: UserEventMetadata;
}

export type ConsentDecision = 'given' | 'refused' | 'withdrawn';

/** The person's answer to the app's privacy guide, as the phone reported it. */
export interface ConsentRecorded {
  type: 'ConsentRecorded';
  data: { userId: string; decision: ConsentDecision; guideVersion: string; at: string };
  metadata?: UserEventMetadata;
}

export type UserEvent =
  | UserRegistered
  | UserLoggedIn
  | ProfileUpdated
  | PhoneNumberBound
  | SessionsRevoked
  | UserErased
  | ProfileReviewRequested
  | ProfileReviewDeferred
  | ProfileReviewPassed
  | ProfileReviewRefused
  | PhoneNumberNotBound
  | PhoneNumberUnavailable
  | ConsentRecorded
  | IdentityLinked
  | UserMerged
  | PersonAbsorbed;

export type UserEventType = UserEvent['type'];

export const USER_EVENT_TYPES: readonly UserEventType[] = [
  'UserRegistered',
  'UserLoggedIn',
  'ProfileUpdated',
  'PhoneNumberBound',
  'SessionsRevoked',
  'UserErased',
  'ProfileReviewRequested',
  'ProfileReviewDeferred',
  'ProfileReviewPassed',
  'ProfileReviewRefused',
  'PhoneNumberNotBound',
  'PhoneNumberUnavailable',
  'ConsentRecorded',
  'IdentityLinked',
  'UserMerged',
  'PersonAbsorbed',
];

/** The fields of each event that are personal data, sealed in the log. */
export const PERSONAL_FIELDS: Record<UserEventType, readonly string[]> = {
  UserRegistered: ['unionid'],
  UserLoggedIn: ['unionid'],
  ProfileUpdated: ['nickname', 'avatarUrl'],
  PhoneNumberBound: ['phone', 'countryCode'],
  SessionsRevoked: [],
  UserErased: [],
  ProfileReviewRequested: [],
  ProfileReviewDeferred: [],
  ProfileReviewPassed: [],
  ProfileReviewRefused: [],
  PhoneNumberNotBound: [],
  PhoneNumberUnavailable: [],
  ConsentRecorded: [],
  IdentityLinked: ['unionid'],
  UserMerged: [],
  PersonAbsorbed: ['unionid', 'nickname', 'avatarUrl', 'phone', 'countryCode'],
};

export function isUserEventType(type: string): type is UserEventType {
  return (USER_EVENT_TYPES as readonly string[]).includes(type);
}
