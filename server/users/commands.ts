// What a user (or the server on their behalf) asks for. The edge supplies the clock (`now`)
// and what WeChat answered; the decider adds nothing from the outside world.

import type { ProfileSource, UserEventMetadata } from './events.js';

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
    now: Date;
  };
  metadata?: UserEventMetadata;
}

export interface UpdateProfile {
  type: 'UpdateProfile';
  data: { userId: string; nickname: string; avatarUrl: string; source?: ProfileSource; now: Date };
  metadata?: UserEventMetadata;
}

export interface BindPhone {
  type: 'BindPhone';
  /** `phone` without the country code (WeChat's purePhoneNumber). */
  data: { userId: string; phone: string; countryCode: string; now: Date };
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

export type UserCommand = LogIn | UpdateProfile | BindPhone | RevokeSessions | EraseUser;
