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

export interface UserRegistered {
  type: 'UserRegistered';
  data: Redactable & { userId: string; appId: string; openid: string; unionid?: string; at: string };
  metadata?: UserEventMetadata;
}

export interface UserLoggedIn {
  type: 'UserLoggedIn';
  /** `unionid` when WeChat sent one we did not know yet; `rid` is WeChat's trace id. */
  data: Redactable & { userId: string; at: string; rid?: string; unionid?: string };
  metadata?: UserEventMetadata;
}

export type ProfileSource = 'wechat' | 'fill_in';

export interface ProfileUpdated {
  type: 'ProfileUpdated';
  data: Redactable & { userId: string; nickname?: string; avatarUrl?: string; source: ProfileSource; at: string };
  metadata?: UserEventMetadata;
}

export interface PhoneNumberBound {
  type: 'PhoneNumberBound';
  /** `phone` without the country code (WeChat's purePhoneNumber). */
  data: Redactable & { userId: string; phone?: string; countryCode?: string; at: string };
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

export type UserEvent =
  | UserRegistered
  | UserLoggedIn
  | ProfileUpdated
  | PhoneNumberBound
  | SessionsRevoked
  | UserErased;

export type UserEventType = UserEvent['type'];

export const USER_EVENT_TYPES: readonly UserEventType[] = [
  'UserRegistered',
  'UserLoggedIn',
  'ProfileUpdated',
  'PhoneNumberBound',
  'SessionsRevoked',
  'UserErased',
];

/** The fields of each event that are personal data, sealed in the log. */
export const PERSONAL_FIELDS: Record<UserEventType, readonly string[]> = {
  UserRegistered: ['unionid'],
  UserLoggedIn: ['unionid'],
  ProfileUpdated: ['nickname', 'avatarUrl'],
  PhoneNumberBound: ['phone', 'countryCode'],
  SessionsRevoked: [],
  UserErased: [],
};

export function isUserEventType(type: string): type is UserEventType {
  return (USER_EVENT_TYPES as readonly string[]).includes(type);
}
