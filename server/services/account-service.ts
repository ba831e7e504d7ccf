// What a signed-in person does with their account: read it, fill in the profile (or import it
// from the legacy user-info payload), bind a phone number, log out everywhere, erase it. Each is
// one method; the routes translate HTTP to these calls and back.

import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';
import type { LoginProviders } from '../providers/login-providers.js';
import type { UserInfoPayload } from '../providers/login-provider.js';
import { TokenError, type UserCache } from '../tokens/index.js';
import type { User, Users } from '../users/index.js';
import { AnonymousProfileError, CodeOfAnotherUserError, NotOfferedError, SessionSecretMissingError } from './errors.js';

export interface AccountServiceOptions {
  users: Users;
  providers: LoginProviders;
  /** The signed-in users' records: read from here, told of every write. */
  signedIn: Pick<UserCache<User>, 'get' | 'written'>;
  clock: () => number;
  /** Revocations and erasures counted. */
  telemetry?: Telemetry;
}

/** Who asks, and which request: kept in the events' metadata. */
export interface Caller {
  userId: string;
  requestId?: string | undefined;
}

export interface AccountService {
  /** The signed-in user; an erased or vanished user's token counts as revoked. */
  current(userId: string): Promise<User>;
  fillInProfile(caller: Caller, profile: { nickname: string; avatarUrl: string }): Promise<User>;
  /** The profile from a legacy user-info payload, opened with the kept (or a fresh code's) session secret. */
  importProfile(caller: Caller, payload: UserInfoPayload, freshCode?: string): Promise<User>;
  bindPhone(caller: Caller, phoneCode: string): Promise<User>;
  logOutEverywhere(caller: Caller): Promise<void>;
  erase(caller: Caller): Promise<void>;
}

const metadataOf = (caller: Caller) => (caller.requestId === undefined ? undefined : { requestId: caller.requestId });

export function createAccountService({ users, providers, signedIn, clock, telemetry = NO_TELEMETRY }: AccountServiceOptions): AccountService {
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

  /** The session secret to open a payload with: a fresh code's (kept from now on), or the newest kept at login. */
  async function sessionSecretFor(user: User, freshCode: string | undefined): Promise<string> {
    if (freshCode !== undefined) {
      const identity = await providers.forApp(user.appId).exchange(user.appId, freshCode);
      if (identity.openid !== user.openid) throw new CodeOfAnotherUserError();
      if (identity.sessionSecret !== undefined) {
        await users.sessionKeys.save(user.appId, user.openid, identity.sessionSecret);
        return identity.sessionSecret;
      }
    }
    const kept = await users.sessionKeys.get(user.appId, user.openid);
    if (kept === null) throw new SessionSecretMissingError();
    return kept;
  }

  return {
    current,

    async fillInProfile(caller, { nickname, avatarUrl }) {
      return wrote(await users.updateProfile(caller.userId, { nickname, avatarUrl, source: 'fill_in' }, now(), metadataOf(caller)));
    },

    async importProfile(caller, payload, freshCode) {
      const user = await current(caller.userId);
      const provider = providers.forApp(user.appId);
      if (provider.readProfile === undefined) throw new NotOfferedError('A user-info payload', provider.name);
      const sessionSecret = await sessionSecretFor(user, freshCode);
      const identity = { provider: provider.name, appId: user.appId, openid: user.openid, sessionSecret };
      const profile = provider.readProfile(identity, payload);
      if (profile === undefined) throw new AnonymousProfileError();
      return wrote(await users.updateProfile(user.id, { ...profile, source: 'wechat' }, now(), metadataOf(caller)));
    },

    async bindPhone(caller, phoneCode) {
      const user = await current(caller.userId);
      const provider = providers.forApp(user.appId);
      if (provider.phoneNumber === undefined) throw new NotOfferedError('A phone number', provider.name);
      const number = await provider.phoneNumber(user.appId, phoneCode);
      return wrote(await users.bindPhone(user.id, number, now(), metadataOf(caller)));
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
