// One person across apps: the merge rule and the folds of the events that link and merge
// identities (docs/architecture.md, "One person across apps"). Pure, like the decider.

import type { IdentityLinked, PersonAbsorbed, UserMerged } from './events.js';
import type { Identity, User } from './user.js';

/**
 * The identity's own stream cannot decide this login: it is linked to another person, its
 * person was merged, or the append met another person's claim on the unionid or the identity.
 * Users.logIn looks the identity up and decides again on the person found.
 */
export class LoginElsewhere extends Error {
  constructor() {
    super('The login is decided on another person.');
    this.name = 'LoginElsewhere';
  }
}

/** The command's person and `other` are one person: merge them, then run the command again. */
export class MergeNeeded extends Error {
  readonly other: string;
  constructor(other: string) {
    super('Two persons are one.');
    this.name = 'MergeNeeded';
    this.other = other;
  }
}

/** The person registered first survives a merge (earlier createdAt; on a tie, the smaller id). */
export function survivorOf(a: User, b: User): { survivor: User; absorbed: User } {
  const earlier = a.createdAt.getTime() - b.createdAt.getTime();
  return earlier < 0 || (earlier === 0 && a.id < b.id) ? { survivor: a, absorbed: b } : { survivor: b, absorbed: a };
}

/** Two unionids that cannot be one human's: both known, claimed, and different. */
export function unionidsDiffer(a: Pick<User, 'unionid'>, b: Pick<User, 'unionid'>): boolean {
  return a.unionid !== null && b.unionid !== null && a.unionid !== b.unionid;
}

/**
 * What moves from `absorbed` to `survivor`: every identity; the unionid when the survivor has
 * none (or holds its own unclaimed); a nickname or avatar the survivor lacks, with its review
 * state; the phone only when the survivor has none; the privacy-guide answer when it is newer.
 */
export function absorption(survivor: User, absorbed: User, at: string): PersonAbsorbed['data'] {
  const unionid = survivor.unionid ?? absorbed.unionid;
  const takesUnionid = unionid !== null && (survivor.unionid === null || !survivor.unionidClaimed);
  const takesNickname = survivor.nickname === null && absorbed.nickname !== null;
  const takesAvatar = survivor.avatarUrl === null && absorbed.avatarUrl !== null;
  const takesPhone = survivor.phone === null && absorbed.phone !== null && absorbed.phoneCountryCode !== null;
  const newerConsent = absorbed.consent !== null && absorbed.consentAt !== null && absorbed.consentGuideVersion !== null
    && (survivor.consentAt === null || absorbed.consentAt.getTime() > survivor.consentAt.getTime());
  return {
    userId: survivor.id,
    absorbed: absorbed.id,
    identities: absorbed.identities.map(({ appId, openid }) => ({ appId, openid })),
    ...(takesUnionid ? { unionid } : {}),
    ...(takesNickname ? { nickname: absorbed.nickname!, ...(absorbed.nicknameReview ? { nicknameReview: absorbed.nicknameReview } : {}) } : {}),
    ...(takesAvatar
      ? {
          avatarUrl: absorbed.avatarUrl!,
          ...(absorbed.avatarReview ? { avatarReview: absorbed.avatarReview } : {}),
          ...(absorbed.avatarTraceId ? { avatarTraceId: absorbed.avatarTraceId } : {}),
        }
      : {}),
    ...(takesPhone ? { phone: absorbed.phone!, countryCode: absorbed.phoneCountryCode!, ...(absorbed.phoneClaimed ? { phoneClaimed: true as const } : {}) } : {}),
    ...(newerConsent
      ? { consent: { decision: absorbed.consent!, guideVersion: absorbed.consentGuideVersion!, at: absorbed.consentAt!.toISOString() } }
      : {}),
    at,
  };
}

const withIdentities = (known: readonly Identity[], added: readonly Identity[]): Identity[] => [
  ...known,
  ...added.filter((identity) => !known.some((k) => k.appId === identity.appId && k.openid === identity.openid)),
];

export function evolveLinked(state: User, event: IdentityLinked): User {
  return { ...state, identities: withIdentities(state.identities, [{ appId: event.data.appId, openid: event.data.openid }]) };
}

/** The absorbed person keeps its history in its stream; the row keeps no personal field. */
export function evolveMerged(state: User, event: UserMerged): User {
  return {
    ...state,
    mergedInto: event.data.into,
    tokenVersion: event.data.tokenVersion,
    identities: [],
    unionid: null,
    unionidClaimed: false,
    nickname: null,
    avatarUrl: null,
    phone: null,
    phoneCountryCode: null,
    phoneClaimed: false,
    nicknameReview: null,
    avatarReview: null,
    avatarTraceId: null,
  };
}

export function evolveAbsorbed(state: User, event: PersonAbsorbed): User {
  const d = event.data;
  return {
    ...state,
    identities: withIdentities(state.identities, d.identities),
    ...(d.unionid !== undefined ? { unionid: d.unionid, unionidClaimed: true } : {}),
    ...(d.nickname !== undefined ? { nickname: d.nickname, nicknameReview: d.nicknameReview ?? null } : {}),
    ...(d.avatarUrl !== undefined ? { avatarUrl: d.avatarUrl, avatarReview: d.avatarReview ?? null, avatarTraceId: d.avatarTraceId ?? null } : {}),
    ...(d.phone !== undefined ? { phone: d.phone, phoneCountryCode: d.countryCode ?? null, phoneClaimed: d.phoneClaimed === true } : {}),
    ...(d.consent !== undefined ? { consent: d.consent.decision, consentGuideVersion: d.consent.guideVersion, consentAt: new Date(d.consent.at) } : {}),
  };
}
