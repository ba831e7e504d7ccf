// What a signed-in person does with their account: read it, fill in the profile (or import it
// from the legacy user-info payload), bind a phone number, log out everywhere, erase it. Each is
// one method; the routes translate HTTP to these calls and back.

import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';
import type { LoginProviders } from '../providers/login-providers.js';
import type { UserInfoPayload } from '../providers/login-provider.js';
import { isAppError } from '../errors.js';
import { TokenError, type UserCache } from '../tokens/index.js';
import type { ConsentDecision, User, Users } from '../users/index.js';
import { AnonymousProfileError, CodeOfAnotherUserError, NotOfferedError, PhoneCodeUsedError, SessionSecretMissingError } from './errors.js';
import { exportPersonalData, type PersonalExport } from './personal-export.js';
import type { PhoneCodes } from './phone-codes.js';
import type { ProfileReviewer } from './profile-review.js';

export interface AccountServiceOptions {
  users: Users;
  providers: LoginProviders;
  /** The signed-in users' records: read from here, told of every write. */
  signedIn: Pick<UserCache<User>, 'get' | 'written'>;
  /** Content review of the profile fields stored. */
  review: ProfileReviewer;
  /** Which phone-number codes were sent to the provider already. */
  phoneCodes: PhoneCodes;
  clock: () => number;
  /** Revocations and erasures counted. */
  telemetry?: Telemetry;
}

/** Who asks, and which request: kept in the events' metadata. */
export interface Caller {
  userId: string;
  /** The app the caller's token was issued for (a person may log in from several). */
  appId?: string | undefined;
  requestId?: string | undefined;
}

export interface AccountService {
  /** The signed-in user; an erased or vanished user's token counts as revoked. */
  current(userId: string): Promise<User>;
  fillInProfile(caller: Caller, profile: { nickname: string; avatarUrl: string }): Promise<User>;
  /** The profile from a legacy user-info payload, opened with the kept (or a fresh code's) session secret. */
  importProfile(caller: Caller, payload: UserInfoPayload, freshCode?: string): Promise<User>;
  /** Exchanges the code once, ever; a refusal is recorded with the user's events. */
  bindPhone(caller: Caller, phoneCode: string): Promise<User>;
  /** The phone reported that no number was handed out (errno 1400001: the quota is spent). */
  phoneUnavailable(caller: Caller, errno: number): Promise<User>;
  /** The person's answer to the privacy guide. */
  recordConsent(caller: Caller, consent: { decision: ConsentDecision; guideVersion: string }): Promise<User>;
  /** What is kept about the person, for them to see. */
  exportData(caller: Caller): Promise<PersonalExport>;
  logOutEverywhere(caller: Caller): Promise<void>;
  erase(caller: Caller): Promise<void>;
}

const metadataOf = (caller: Caller) => (caller.requestId === undefined ? undefined : { requestId: caller.requestId });

export function createAccountService({ users, providers, signedIn, review, phoneCodes, clock, telemetry = NO_TELEMETRY }: AccountServiceOptions): AccountService {
  const now = () => new Date(clock());

  async function current(userId: string): Promise<User> {
    const user = await signedIn.get(userId);
    if (user === null || user.erasedAt !== null) throw new TokenError('TOKEN_REVOKED');
    return user;
  }

  /** A user this service has just written: read back as written here, and dropped elsewhere. */
  async function wrote(user: User): Promise<User> {
    await signedIn.written(user.id, user, { announce: true });
    return user;
  }

  /** The identity the caller signed in with (its token's app); the registering one by default. */
  function identityOf(user: User, caller: Caller): { appId: string; openid: string } {
    const appId = caller.appId ?? user.appId;
    return user.identities.find((identity) => identity.appId === appId) ?? { appId: user.appId, openid: user.openid };
  }

  /** The session secret to open a payload with: a fresh code's (kept from now on), or the newest kept at login. */
  async function sessionSecretFor(signedIn: { appId: string; openid: string }, freshCode: string | undefined): Promise<string> {
    const { appId, openid } = signedIn;
    if (freshCode !== undefined) {
      const identity = await providers.forApp(appId).exchange(appId, freshCode);
      if (identity.openid !== openid) throw new CodeOfAnotherUserError();
      if (identity.sessionSecret !== undefined) {
        await users.sessionKeys.save(appId, openid, identity.sessionSecret);
        return identity.sessionSecret;
      }
    }
    const kept = await users.sessionKeys.get(appId, openid);
    if (kept === null) throw new SessionSecretMissingError();
    return kept;
  }

  return {
    current,

    async fillInProfile(caller, { nickname, avatarUrl }) {
      const user = await current(caller.userId);
      // Checked before anything is stored: a risky nickname throws, and nothing is written.
      const checked = await review.reviewUpdate(user, { nickname, avatarUrl });
      return wrote(await users.updateProfile(caller.userId, { nickname, avatarUrl, source: 'fill_in', review: checked }, now(), metadataOf(caller)));
    },

    async importProfile(caller, payload, freshCode) {
      const user = await current(caller.userId);
      // The payload is sealed with the session key of the identity the person signed in with.
      const signedIn = identityOf(user, caller);
      const provider = providers.forApp(signedIn.appId);
      if (provider.readProfile === undefined) throw new NotOfferedError('A user-info payload', provider.name);
      const sessionSecret = await sessionSecretFor(signedIn, freshCode);
      const identity = { provider: provider.name, ...signedIn, sessionSecret };
      const profile = provider.readProfile(identity, payload);
      if (profile === undefined) throw new AnonymousProfileError();
      // The payload's nickname is the operator's to check; its avatar is WeChat's own image.
      const checked = await review.reviewUpdate(user, profile, { avatar: false });
      return wrote(await users.updateProfile(user.id, { ...profile, source: 'wechat', review: checked }, now(), metadataOf(caller)));
    },

    async bindPhone(caller, phoneCode) {
      const user = await current(caller.userId);
      // The button's code belongs to the app the person is using now.
      const appId = caller.appId ?? user.appId;
      const provider = providers.forApp(appId);
      if (provider.phoneNumber === undefined) throw new NotOfferedError('A phone number', provider.name);
      if (!(await phoneCodes.claim(appId, phoneCode, user.id))) throw new PhoneCodeUsedError();
      let number: { phone: string; countryCode: string };
      try {
        number = await provider.phoneNumber(appId, phoneCode);
      } catch (error) {
        if (isAppError(error) && error.retryable) {
          // WeChat never took the code (busy, unreachable): the same code may be tried again.
          await phoneCodes.release(appId, phoneCode);
        } else if (isAppError(error)) {
          const failure = { error: error.code, ...(error.errcode === undefined ? {} : { errcode: error.errcode }) };
          await wrote(await users.recordPhoneFailure(user.id, failure, now(), metadataOf(caller)));
        }
        throw error;
      }
      const bound = await users.bindPhoneNumber(user.id, number, now(), metadataOf(caller));
      // A merge (PHONE_CONFLICT=merge): the absorbed person's tokens are refused from now on.
      if (bound.absorbed !== undefined) await wrote(bound.absorbed);
      return wrote(bound.user);
    },

    async phoneUnavailable(caller, errno) {
      return wrote(await users.reportPhoneUnavailable(caller.userId, errno, now(), metadataOf(caller)));
    },

    async recordConsent(caller, consent) {
      return wrote(await users.recordConsent(caller.userId, consent, now(), metadataOf(caller)));
    },

    async exportData(caller) {
      return exportPersonalData(users.store, await current(caller.userId), now());
    },

    async logOutEverywhere(caller) {
      await wrote(await users.revokeSessions(caller.userId, now(), metadataOf(caller)));
      telemetry.revokedSessions();
    },

    async erase(caller) {
      const erased = await users.erase(caller.userId, now(), metadataOf(caller));
      if (erased) {
        await wrote(erased);
        telemetry.erased();
      }
    },
  };
}
