// What a user (or the server on their behalf) asks for. The edge supplies the clock (`now`)
// and what WeChat answered; the decider adds nothing from the outside world.

import type { User } from './user.js';
import type { ConsentDecision, ProfileSource, ReviewCheck, ReviewedField, UserEventMetadata } from './events.js';

export interface Profile {
  nickname: string;
  avatarUrl: string;
}

/** Register-or-log-in: the first login of (appId, openid) registers the user. */
export interface LogIn {
  type: 'LogIn';
  data: {
    appId: string;
    openid: string;
    unionid?: string;
    /** From a legacy user-info payload, when the client sent one and it decrypted. */
    profile?: Profile;
    /** WeChat's trace id of the code2Session answer. */
    rid?: string;
    /** Content review is on: a payload's nickname is stored as deferred, checked after the login. */
    reviewProfile?: boolean;
    /** Absent: decided on the identity's own stream. Present: the person the lookup found. */
    resolved?: LoginResolution;
    now: Date;
  };
  metadata?: UserEventMetadata;
}

/**
 * Where a login goes when its identity's own stream cannot decide it: `target` is the person
 * the identity is linked to, or the live holder of its unionid, or its own stream; `mergeWith`
 * the live holder of the unionid when the identity's person is another one.
 */
export interface LoginResolution {
  target: string;
  mergeWith?: string;
}

/** What WeChat's content review made of a field's value (or why it was not asked yet). */
export type ReviewResult =
  | { kind: 'passed'; check: ReviewCheck; traceId?: string; label?: number }
  | { kind: 'refused'; check: ReviewCheck; traceId?: string; label?: number }
  | { kind: 'pending'; check: ReviewCheck; traceId?: string; suggest?: 'review' }
  | { kind: 'deferred'; reason: 'not_visited' | 'with_login' };

/** The review of each field the update changes (a risky value never reaches the command). */
export type ProfileReview = { [Field in ReviewedField]?: Exclude<ReviewResult, { kind: 'refused' }> };

export interface UpdateProfile {
  type: 'UpdateProfile';
  data: { userId: string; nickname: string; avatarUrl: string; source?: ProfileSource; review?: ProfileReview; now: Date };
  metadata?: UserEventMetadata;
}

export interface BindPhone {
  type: 'BindPhone';
  /** `phone` without the country code (WeChat's purePhoneNumber). */
  data: {
    userId: string;
    phone: string;
    countryCode: string;
    /** Another live person holding the number, as looked up before deciding. */
    holder?: { userId: string; unionid: string | null } | null;
    /** PHONE_CONFLICT: refuse a number another person holds, or merge the two when they may be one. */
    conflict?: PhoneConflictPolicy;
    now: Date;
  };
  metadata?: UserEventMetadata;
}

export type PhoneConflictPolicy = 'refuse' | 'merge';

/** In the absorbed person's stream: it is one person with `into` from now on. */
export interface MergeInto {
  type: 'MergeInto';
  data: { userId: string; into: string; now: Date };
  metadata?: UserEventMetadata;
}

/** In the survivor's stream: take over the absorbed person (its state before the merge). */
export interface AbsorbPerson {
  type: 'AbsorbPerson';
  data: { userId: string; absorbed: User; now: Date };
  metadata?: UserEventMetadata;
}

export interface RevokeSessions {
  type: 'RevokeSessions';
  data: { userId: string; now: Date };
  metadata?: UserEventMetadata;
}

export interface EraseUser {
  type: 'EraseUser';
  data: { userId: string; now: Date };
  metadata?: UserEventMetadata;
}

/**
 * A review result for a field already stored: applied only while the field still holds the
 * value that was checked, or still awaits the asynchronous check with this trace id.
 */
export interface RecordReview {
  type: 'RecordReview';
  data: { userId: string; field: ReviewedField; checked: { value: string } | { traceId: string }; result: ReviewResult; now: Date };
  metadata?: UserEventMetadata;
}

/** WeChat did not turn a phone-number code into a number. */
export interface RecordPhoneFailure {
  type: 'RecordPhoneFailure';
  data: { userId: string; error: string; errcode?: number; now: Date };
  metadata?: UserEventMetadata;
}

/** The phone says WeChat handed out no number (errno 1400001). */
export interface ReportPhoneUnavailable {
  type: 'ReportPhoneUnavailable';
  data: { userId: string; errno: number; now: Date };
  metadata?: UserEventMetadata;
}

export interface RecordConsent {
  type: 'RecordConsent';
  data: { userId: string; decision: ConsentDecision; guideVersion: string; now: Date };
  metadata?: UserEventMetadata;
}

export type UserCommand =
  | LogIn
  | UpdateProfile
  | BindPhone
  | RevokeSessions
  | EraseUser
  | RecordReview
  | RecordPhoneFailure
  | ReportPhoneUnavailable
  | RecordConsent
  | MergeInto
  | AbsorbPerson;
