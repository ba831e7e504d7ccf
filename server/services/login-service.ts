// Logging in: a provider's login code (and maybe a legacy user-info payload) in, a user and a
// token out. Order: exchange the code → admit the person (rate limit) → read the payload with
// the NEW session secret → register-or-log-in, keeping that secret and the code's outcome in
// the same statement → sign with the user's token version. Idempotent per code
// (./login-codes.ts), with one exchange in flight per code in this process. Three statements:
// claim the code, read the user's snapshot, write everything in one.

import { isAppError } from '../errors.js';
import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';
import { inSpan, inSpanSync } from '../observability/tracing.js';
import type { LoginProviders } from '../providers/login-providers.js';
import type { ProviderIdentity, UserInfoPayload } from '../providers/login-provider.js';
import type { IssuedToken, TokenService, UserCache } from '../tokens/index.js';
import { saveSessionKeyPart, type User, type Users } from '../users/index.js';
import { CodeUsedError, NotOfferedError } from './errors.js';
import { hashLoginCode, type CodeOutcome, type LoginCodes } from './login-codes.js';
import type { LoginThrottle } from './login-throttle.js';
import type { ProfileReviewer } from './profile-review.js';

export interface LoginRequest {
  appId: string;
  code: string;
  userInfo?: UserInfoPayload | undefined;
  requestId?: string | undefined;
}

export interface LoginResult {
  user: User;
  isNew: boolean;
  /** The answer to a code already logged in with (a retry of the same request). */
  replayed: boolean;
  token: IssuedToken;
}

export interface LoginService {
  logIn(request: LoginRequest): Promise<LoginResult>;
}

export interface LoginLogger {
  warn(obj: object, msg: string): void;
}

export interface LoginServiceOptions {
  users: Users;
  providers: LoginProviders;
  tokens: TokenService;
  codes: LoginCodes;
  /** Logins per person per minute; none when absent. */
  throttle?: LoginThrottle | undefined;
  /** The signed-in users' records: told of each login's row. */
  signedIn?: Pick<UserCache<User>, 'written'> | undefined;
  clock: () => number;
  logger: LoginLogger;
  /** How long a retry waits for another request exchanging the same code (real time). */
  pendingWaitMs: number;
  /** Content review: a payload's nickname is deferred, and deferred checks run after the login. */
  review?: Pick<ProfileReviewer, 'enabled' | 'runDeferred'> | undefined;
  /** Logins counted by outcome, rate-limit refusals per person. */
  telemetry?: Telemetry;
}

/** A code's outcome, with the user when this request (not a retry) made the login. */
interface Settled {
  outcome: CodeOutcome;
  user?: User;
}

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createLoginService(options: LoginServiceOptions): LoginService {
  const { users, providers, tokens, codes, throttle, signedIn, clock, logger } = options;
  const telemetry = options.telemetry ?? NO_TELEMETRY;
  const inFlight = new Map<string, Promise<Settled>>();

  async function exchange(appId: string, code: string): Promise<ProviderIdentity> {
    try {
      return await providers.forApp(appId).exchange(appId, code);
    } catch (error) {
      if (isAppError(error)) {
        const failure = { appId, reason: error.code, at: new Date(clock()), errcode: error.errcode, rid: error.rid };
        await users.recordLoginFailure(failure).catch((recordError: unknown) =>
          logger.warn({ err: recordError, reason: error.code }, 'could not record a failed login'));
      }
      throw error;
    }
  }

  function profileFrom(identity: ProviderIdentity, userInfo: UserInfoPayload | undefined) {
    if (userInfo === undefined) return undefined;
    const provider = providers.forApp(identity.appId);
    if (provider.readProfile === undefined) throw new NotOfferedError('A user-info payload', provider.name);
    return provider.readProfile(identity, userInfo);
  }

  /** The first request for a code: everything the provider and the log need, then the outcome. */
  async function firstLogin(request: LoginRequest, codeHash: string): Promise<Settled> {
    const { appId } = request;
    try {
      const identity = await exchange(appId, request.code);
      await throttle?.admit(appId, identity.openid).catch((error: unknown) => {
        telemetry.rateLimited('person');
        throw error;
      });
      const profile = profileFrom(identity, request.userInfo);
      // The session secret and the code's outcome commit with the login's events, or not at all.
      const parts = [codes.completePart(appId, codeHash)];
      if (identity.sessionSecret !== undefined) parts.unshift(saveSessionKeyPart(appId, identity.openid, identity.sessionSecret));
      const { isNew, user, absorbed } = await inSpan('store login', {}, () => users.logIn(
        {
          appId,
          openid: identity.openid,
          ...(identity.unionid === undefined ? {} : { unionid: identity.unionid }),
          ...(profile === undefined ? {} : { profile }),
          ...(options.review?.enabled ? { reviewProfile: true } : {}),
          now: new Date(clock()),
        },
        request.requestId === undefined ? undefined : { requestId: request.requestId },
        { parts },
      ));
      // A registration may follow an erasure that other processes still hold: they drop it.
      await signedIn?.written(user.id, user, { announce: isNew || absorbed !== undefined });
      // A person merged into this one: its tokens are refused here at once, elsewhere on the announcement.
      if (absorbed !== undefined) await signedIn?.written(absorbed.id, absorbed, { announce: true });
      // The person is here now: checks WeChat refused earlier (not visited lately) can run.
      const reviewed = options.review && (user.nicknameReview === 'deferred' || user.avatarReview === 'deferred')
        ? await options.review.runDeferred(user, request.requestId === undefined ? undefined : { requestId: request.requestId })
        : user;
      if (reviewed !== user) await signedIn?.written(reviewed.id, reviewed, { announce: true });
      return { outcome: { userId: reviewed.id, isNew, tokenVersion: reviewed.tokenVersion }, user: reviewed };
    } catch (error) {
      await codes.release(appId, codeHash).catch(() => undefined);
      throw error;
    }
  }

  /** Claims the code, or waits for the request (here or in another process) that did. */
  async function settle(request: LoginRequest, codeHash: string): Promise<Settled> {
    const giveUpAt = performance.now() + options.pendingWaitMs;
    for (;;) {
      const claim = await inSpan('claim code', {}, () => codes.claim(request.appId, codeHash));
      if (claim.kind === 'claimed') return firstLogin(request, codeHash);
      if (claim.kind === 'done') return { outcome: claim.outcome };
      // Another process holds the code; its owner may also give it up (then we claim it).
      if (performance.now() >= giveUpAt) throw new CodeUsedError();
      await sleep(POLL_MS);
    }
  }

  return {
    logIn(request) {
      return inSpan('login', { 'miniauth.appid': request.appId }, (span) =>
        logIn(request).then(
          (result) => {
            const outcome = result.replayed ? 'replayed' : result.isNew ? 'registered' : 'returning';
            telemetry.loggedIn(outcome);
            span.setAttribute('miniauth.login.outcome', outcome);
            return result;
          },
          (error: unknown) => {
            telemetry.loggedIn('failed', isAppError(error) ? error.code : 'UNEXPECTED');
            throw error;
          },
        ));
    },
  };

  async function logIn(request: LoginRequest): Promise<LoginResult> {
    providers.forApp(request.appId); // an app nobody serves is refused before anything else
    const codeHash = hashLoginCode(request.appId, request.code);
    const key = `${request.appId}\0${codeHash}`;
    let shared = inFlight.get(key);
    if (!shared) {
      shared = settle(request, codeHash).finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    const settled = await shared;
    const { outcome } = settled;
    // A retry reads the current row: a replay must not outlive "logout everywhere" or an
    // erasure made since the first answer.
    const user = settled.user ?? (await users.findById(outcome.userId));
    if (user === null || user.erasedAt !== null || user.tokenVersion !== outcome.tokenVersion) throw new CodeUsedError();
    const token = inSpanSync('sign token', {}, () => tokens.sign({ sub: user.id, tv: user.tokenVersion, aud: request.appId }));
    return { user, isNew: outcome.isNew, replayed: settled.user === undefined, token };
  }
}
