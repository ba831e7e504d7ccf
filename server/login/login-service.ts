// POST /wx/login behind the route: a wx.login code (and maybe a legacy user-info payload) in,
// a user and a token out. Order: code2Session → check the payload with the NEW session_key →
// keep that key → register-or-log-in → sign with the user's token version. Idempotent per code
// (./login-codes.ts), with one exchange in flight per code in this process. Three statements:
// claim the code, read the user's snapshot, write everything in one (users/handler.ts).

import { WeChatError } from '../errors.js';
import type { IssuedToken, TokenService } from '../tokens/index.js';
import { saveSessionKeyPart, type UserRow, type Users } from '../users/index.js';
import type { WeChatGateway, WeChatSession } from '../wechat/index.js';
import { openLegacyPayload, type LegacyPayload } from './legacy-payload.js';
import { hashLoginCode, type CodeOutcome, type LoginCodes } from './login-codes.js';

export interface LoginInput {
  appId: string;
  code: string;
  legacy?: LegacyPayload | undefined;
  requestId?: string | undefined;
  /** Runs right after the exchange, before anything is written; throws to refuse this openid. */
  admit?: ((openid: string) => Promise<void>) | undefined;
}

export interface LoginResult {
  user: UserRow;
  isNew: boolean;
  token: IssuedToken;
}

export interface LoginService {
  logIn(input: LoginInput): Promise<LoginResult>;
}

export interface LoginLogger {
  warn(obj: object, msg: string): void;
}

export interface LoginServiceOptions {
  users: Users;
  gateway: WeChatGateway;
  tokens: TokenService;
  codes: LoginCodes;
  clock: () => number;
  logger: LoginLogger;
  /** How long a retry waits for another request exchanging the same code (real time). */
  pendingWaitMs: number;
}

/** A code's outcome, with the user's row when this request (not a retry) made the login. */
interface Settled {
  outcome: CodeOutcome;
  user?: UserRow;
}

const outcomeOf = ({ isNew, user }: { isNew: boolean; user: UserRow }): CodeOutcome => ({
  userId: user.id,
  isNew,
  tokenVersion: user.tokenVersion,
});

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer WeChat would give a reused code: the client gets a fresh one with wx.login. */
function codeUsed(): WeChatError {
  return new WeChatError({
    statusCode: 400,
    error: 'WECHAT_CODE_USED',
    errcode: 40163,
    message: 'The login code was already used; get a fresh one with wx.login.',
  });
}

export function createLoginService(options: LoginServiceOptions): LoginService {
  const { users, gateway, tokens, codes, clock, logger } = options;
  const inFlight = new Map<string, Promise<Settled>>();

  async function exchange(appId: string, code: string): Promise<WeChatSession> {
    try {
      return await gateway.code2Session(appId, code);
    } catch (error) {
      if (error instanceof WeChatError) {
        const failure = { appId, reason: error.error, at: new Date(clock()), errcode: error.errcode, rid: error.rid };
        await users.recordLoginFailure(failure).catch((recordError: unknown) =>
          logger.warn({ err: recordError, reason: error.error }, 'could not record a failed login'));
      }
      throw error;
    }
  }

  /** The first request for a code: everything WeChat and the log need, then the outcome. */
  async function firstLogin(input: LoginInput, codeHash: string): Promise<Settled> {
    const { appId } = input;
    try {
      const session = await exchange(appId, input.code);
      await input.admit?.(session.openid);
      const profile = input.legacy
        ? openLegacyPayload({ appId, openid: session.openid, sessionKey: session.sessionKey, payload: input.legacy })
        : undefined;
      // The session_key and the code's outcome commit with the login's events, or not at all.
      const { isNew, user } = await users.logIn(
        {
          appId,
          openid: session.openid,
          ...(session.unionid === undefined ? {} : { unionid: session.unionid }),
          ...(profile === undefined ? {} : { profile }),
          now: new Date(clock()),
        },
        input.requestId === undefined ? undefined : { requestId: input.requestId },
        {
          alongside: (logged) => [
            saveSessionKeyPart(appId, session.openid, session.sessionKey),
            codes.completePart(appId, codeHash, outcomeOf(logged)),
          ],
        },
      );
      return { outcome: outcomeOf({ isNew, user }), user };
    } catch (error) {
      await codes.release(appId, codeHash).catch(() => undefined);
      throw error;
    }
  }

  /** Claims the code, or waits for the request (here or in another process) that did. */
  async function settle(input: LoginInput, codeHash: string): Promise<Settled> {
    const giveUpAt = performance.now() + options.pendingWaitMs;
    for (;;) {
      const claim = await codes.claim(input.appId, codeHash);
      if (claim.kind === 'claimed') return firstLogin(input, codeHash);
      if (claim.kind === 'done') return { outcome: claim.outcome };
      // Another process holds the code; its owner may also give it up (then we claim it).
      if (performance.now() >= giveUpAt) throw codeUsed();
      await sleep(POLL_MS);
    }
  }

  return {
    async logIn(input) {
      const codeHash = hashLoginCode(input.appId, input.code);
      const key = `${input.appId}\0${codeHash}`;
      let shared = inFlight.get(key);
      if (!shared) {
        shared = settle(input, codeHash).finally(() => inFlight.delete(key));
        inFlight.set(key, shared);
      }
      const settled = await shared;
      const { outcome } = settled;
      // A retry reads the current row: a replay must not outlive "logout everywhere" or an
      // erasure made since the first answer.
      const user = settled.user ?? (await users.findById(outcome.userId));
      if (user === null || user.erasedAt !== null || user.tokenVersion !== outcome.tokenVersion) throw codeUsed();
      const token = tokens.sign({ sub: user.id, tv: user.tokenVersion, aud: input.appId });
      return { user, isNew: outcome.isNew, token };
    },
  };
}
