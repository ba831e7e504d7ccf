// How each invoke of the machine can end, given what the server and WeChat know, and what the
// machine then hears. Some endings are chosen by the path (a WeChat errcode, a dropped
// network: faults the system under test injects); others follow from the world (a revoked
// token is refused, a payload sealed with a key the server lacks does not decrypt).

import type { FailureReason, LoginFailure, SessionUser } from '../../machines/index.js';
import type { Env } from './environment.js';
import { privacyAgreed, tokenNumber, tokenVerdict, TOKEN_TTL_MS } from './environment.js';
import type { LoginSnapshot, MachineEvent } from './machine-step.js';

export type Fault = 'busy' | 'codeUsed' | 'rateLimited' | 'blocked' | 'network' | 'wxLogin' | 'gone' | 'decrypt' | 'phoneCode' | 'privacyCheckFails';
export type Ending = 'done' | Fault;

/** The typed failure the client reports for each fault (reason and the server's or client's code). */
export const FAILURES: Record<Exclude<Fault, 'gone'>, { reason: FailureReason; code: string; retryAfterSeconds?: number }> = {
  busy: { reason: 'busy', code: 'WECHAT_BUSY' },
  codeUsed: { reason: 'codeUsed', code: 'WECHAT_CODE_USED' },
  rateLimited: { reason: 'rateLimited', code: 'WECHAT_RATE_LIMITED', retryAfterSeconds: 30 },
  blocked: { reason: 'blocked', code: 'WECHAT_USER_BLOCKED' },
  network: { reason: 'network', code: 'NETWORK' },
  wxLogin: { reason: 'wxLogin', code: 'WX_LOGIN_FAILED' },
  decrypt: { reason: 'decrypt', code: 'OPEN_DATA_DECRYPT_FAILED' },
  phoneCode: { reason: 'badCode', code: 'WECHAT_PHONE_CODE_INVALID' },
  privacyCheckFails: { reason: 'configuration', code: 'PRIVACY_CHECK_FAILED' },
};

/** Failures of code2Session during a login, which the server records as LoginFailed. */
const RECORDED_LOGIN_FAILURES: readonly Fault[] = ['busy', 'codeUsed', 'rateLimited', 'blocked'];

function userView(env: Env): SessionUser {
  return {
    id: 'user',
    nickname: env.profile ? 'Ada' : null,
    avatarUrl: env.profile ? 'http://tmp/avatar.jpeg' : null,
    phone: env.phone ? '139****5678' : null,
    phoneBound: env.phone,
  };
}

/** The route an invoke calls, as far as token checks go. */
const routeOf = (invoke: string) => (invoke === 'revokeSessions' ? 'logoutAll' : 'any');

/** The token the invoke runs with is the one in context (its input is taken from there). */
function tokenAccepted(env: Env, snapshot: LoginSnapshot, invoke: string): boolean {
  const n = tokenNumber(snapshot.context.token);
  return n !== null && tokenVerdict(env, n, routeOf(invoke)) === 'accepted';
}

export function possibleEndings(invoke: string, env: Env, snapshot: LoginSnapshot): Ending[] {
  const accepted = tokenAccepted(env, snapshot, invoke);
  switch (invoke) {
    case 'wxLogin':
      return ['done', 'wxLogin'];
    case 'consentCode':
      return ['done', 'wxLogin'];
    case 'exchangeCode':
      return ['done', 'busy', 'codeUsed', 'rateLimited', 'blocked', 'network'];
    case 'submitConsent': {
      if (!accepted) return ['gone', 'network'];
      const wechat = snapshot.context.consent?.kind === 'wechat';
      return [wechat && env.payloadKey !== env.serverKey ? 'decrypt' : 'done', 'network'];
    }
    case 'resendConsent':
      if (!accepted) return ['gone'];
      return [env.payloadKey === env.wechatKey ? 'done' : 'decrypt', 'busy'];
    case 'bindPhone':
      return accepted ? ['done', 'phoneCode'] : ['gone'];
    case 'revokeSessions':
      return accepted ? ['done', 'network'] : ['gone', 'network'];
    case 'eraseAccount':
      return accepted ? ['done', 'network'] : ['gone', 'network'];
    case 'checkPrivacy':
      return ['done', 'privacyCheckFails'];
    default:
      throw new Error(`the test model does not know how invoke "${invoke}" ends`);
  }
}

function failure(fault: Fault, env: Env, snapshot: LoginSnapshot, invoke: string): LoginFailure {
  if (fault === 'gone') {
    const n = tokenNumber(snapshot.context.token);
    const code = n === null ? 'TOKEN_MISSING' : tokenVerdict(env, n, routeOf(invoke));
    if (code === 'accepted') throw new Error('model: a token the server accepts cannot be refused');
    return { reason: 'loginGone', code, message: 'model: gone', status: 401 };
  }
  return { ...FAILURES[fault], message: `model: ${fault}` };
}

/** Applies the ending to the world and returns the event the machine hears. */
export function endInvoke(invoke: string, ending: Ending, env: Env, snapshot: LoginSnapshot): MachineEvent {
  if (ending !== 'done') {
    if (invoke === 'exchangeCode' && RECORDED_LOGIN_FAILURES.includes(ending)) env.serverEvents.push('LoginFailed');
    // A phone-number code WeChat refused is recorded with the user's events (it was paid for).
    if (invoke === 'bindPhone' && ending === 'phoneCode') env.serverEvents.push('PhoneNumberNotBound');
    // A resend exchanges its fresh code before decrypting: the server keeps WeChat's current key.
    if (invoke === 'resendConsent' && ending === 'decrypt') env.serverKey = env.wechatKey;
    return { type: `xstate.error.actor.${invoke}`, error: failure(ending, env, snapshot, invoke), actorId: invoke };
  }
  const done = (output: unknown): MachineEvent => ({ type: `xstate.done.actor.${invoke}`, output, actorId: invoke });
  switch (invoke) {
    case 'wxLogin':
    case 'consentCode':
      env.codes += 1;
      return done({ code: `c${env.codes}` });
    case 'exchangeCode': {
      const isNew = !env.registered;
      env.registered = true;
      env.serverKey = env.wechatKey;
      env.issued += 1;
      env.tokenExpiresAt = env.now + TOKEN_TTL_MS;
      env.serverEvents.push(...(isNew ? ['UserRegistered', 'UserLoggedIn'] : ['UserLoggedIn']));
      return done({ token: `t${env.issued}`, expiresAt: env.tokenExpiresAt, user: userView(env), isNew });
    }
    case 'submitConsent':
    case 'resendConsent':
      if (invoke === 'resendConsent') env.serverKey = env.wechatKey;
      env.profile = true;
      env.serverEvents.push('ProfileUpdated');
      return done({ user: userView(env) });
    case 'bindPhone':
      env.phone = true;
      env.serverEvents.push('PhoneNumberBound');
      return done({ user: userView(env) });
    case 'revokeSessions':
      env.revokedUpTo = env.issued;
      env.serverEvents.push('SessionsRevoked');
      return done(undefined);
    case 'eraseAccount':
      // The server erases the person and refuses their tokens; the next login registers anew.
      env.revokedUpTo = env.issued;
      env.serverEvents.push('UserErased');
      Object.assign(env, { registered: false, profile: false, phone: false });
      return done(undefined);
    case 'checkPrivacy':
      return done({ needAuthorization: !privacyAgreed(env), privacyContractName: '《小程序隐私保护指引》' });
    default:
      throw new Error(`the test model does not know how invoke "${invoke}" ends`);
  }
}
