// The user record: the decider's state, the fold of the user's stream, and the `users` row, in
// one shape. Every SQL list of the table comes from USER_COLUMNS; a new field is a line there,
// a case in `evolve` (./decider.ts) and a migration.

import type { ColumnTable } from '../store/columns.js';
import type { ConsentDecision, ReviewState } from './events.js';

/** One (app, openid) a person logs in with. */
export interface Identity {
  appId: string;
  openid: string;
}

export interface User {
  id: string;
  appId: string;
  /** The login provider's id of the person in this app (WeChat's openid). */
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
  /** Without the country code (WeChat's purePhoneNumber). */
  phone: string | null;
  phoneCountryCode: string | null;
  /** Tokens carrying an older version are refused (logout everywhere, erasure). */
  tokenVersion: number;
  createdAt: Date;
  lastLoginAt: Date | null;
  loginCount: number;
  /** Set once the person erased their account: the personal fields are gone. */
  erasedAt: Date | null;
  /** Where the nickname's content review stands; null: passed, or never asked for. */
  nicknameReview: ReviewState | null;
  avatarReview: ReviewState | null;
  /** The asynchronous check of the avatar whose verdict is awaited (WeChat's trace_id). */
  avatarTraceId: string | null;
  /** The person's last answer to the privacy guide, and which version of it they saw. */
  consent: ConsentDecision | null;
  consentGuideVersion: string | null;
  consentAt: Date | null;
  /** Every (app, openid) linked to the person, the registering one first; empty once merged or erased. */
  identities: Identity[];
  /** The unionid is held under this version's uniqueness rule (false: recorded before it, see migration 020). */
  unionidClaimed: boolean;
  /** The phone number is held under the uniqueness rule among live persons (false: bound before it). */
  phoneClaimed: boolean;
  /** Set once the person was merged into another (the survivor): its tokens are refused, its identities moved. */
  mergedInto: string | null;
}

export const USER_COLUMNS: ColumnTable<User> = {
  id: { name: 'id', type: 'uuid' },
  appId: { name: 'app_id', type: 'text' },
  openid: { name: 'openid', type: 'text' },
  unionid: { name: 'unionid', type: 'text' },
  nickname: { name: 'nickname', type: 'text' },
  avatarUrl: { name: 'avatar_url', type: 'text' },
  phone: { name: 'phone', type: 'text' },
  phoneCountryCode: { name: 'phone_country_code', type: 'text' },
  tokenVersion: { name: 'token_version', type: 'integer' },
  createdAt: { name: 'created_at', type: 'timestamptz' },
  lastLoginAt: { name: 'last_login_at', type: 'timestamptz' },
  loginCount: { name: 'login_count', type: 'integer' },
  erasedAt: { name: 'erased_at', type: 'timestamptz' },
  nicknameReview: { name: 'nickname_review', type: 'text' },
  avatarReview: { name: 'avatar_review', type: 'text' },
  avatarTraceId: { name: 'avatar_trace_id', type: 'text' },
  consent: { name: 'consent', type: 'text' },
  consentGuideVersion: { name: 'consent_guide_version', type: 'text' },
  consentAt: { name: 'consent_at', type: 'timestamptz' },
  identities: { name: 'identities', type: 'jsonb' },
  unionidClaimed: { name: 'unionid_claimed', type: 'boolean' },
  phoneClaimed: { name: 'phone_claimed', type: 'boolean' },
  mergedInto: { name: 'merged_into', type: 'uuid' },
};

export const isErased = (user: User): boolean => user.erasedAt !== null;

/** Neither erased nor merged into another person. */
export const isLive = (user: User): boolean => user.erasedAt === null && user.mergedInto === null;

export const hasIdentity = (user: User, appId: string, openid: string): boolean =>
  user.identities.some((identity) => identity.appId === appId && identity.openid === openid);
