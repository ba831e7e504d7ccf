import {
  newLoginCode,
  newOpenid,
  newPhoneCode,
  newPhoneNumber,
  newSessionKey,
} from './open-data.js';
import { createHash, randomUUID } from 'node:crypto';
import type { SimClock } from './clock.js';

/**
 * The platform's memory of users: one session_key per user, single-use login and phone codes
 * that expire after 5 minutes, and the rotation of the key when the phone asks for a new code.
 */

export interface SimApp {
  appId: string;
  secret: string;
  /**
   * The Open Platform account the app is bound to: apps bound to one account see the same
   * unionid for one human. Absent: an account of its own (a unionid no other app shares);
   * null: not bound, code2Session sends no unionid.
   */
  openPlatform?: string | null | undefined;
}

/** When a new `wx.login` code replaces the user's session_key. */
export type RotationPolicy = 'never' | 'always' | { afterMs: number };

export interface SimPhone {
  purePhoneNumber: string;
  /** WeChat sends it as a string in its samples and as a number in some answers. */
  countryCode: string | number;
}

export interface SimUser {
  appId: string;
  openid: string;
  /** The human behind the openid: one human has an openid per app, and one unionid per account. */
  person: string;
  /** A unionid set by the test, kept whatever the app's binding. */
  pinnedUnionid: boolean;
  /** Null when the app is not bound to an Open Platform account. */
  unionid: string | null;
  sessionKey: string;
  sessionKeyIssuedAt: number;
  /** Whether a login code has been handed out under this key (rotation only replaces used keys). */
  sessionKeyUsed: boolean;
  /** What `wx.checkSession` reports: true after a login, false before one or once expired. */
  sessionValid: boolean;
  nickname: string;
  avatarUrl: string;
  gender: 0 | 1 | 2;
  phone: SimPhone;
  /** When the person last opened the mini program (`wx.login`); the security APIs look at it. */
  lastVisitAt: number | null;
}

export interface UserInput {
  appId?: string | undefined;
  openid?: string | undefined;
  /** The same human as this user of another app (its unionid follows the apps' binding). */
  sameAs?: { appId?: string | undefined; openid: string } | undefined;
  /** The human, by a name of the test's choosing: users created with one key are one human. */
  personKey?: string | undefined;
  unionid?: string | null | undefined;
  sessionKey?: string | undefined;
  nickname?: string | undefined;
  avatarUrl?: string | undefined;
  phone?: string | undefined;
  countryCode?: string | number | undefined;
}

interface IssuedCode {
  appId: string;
  openid: string;
  issuedAt: number;
  used: boolean;
}

export const CODE_TTL_MS = 5 * 60_000;
/** Codes are forgotten a while after expiry so a long-running simulator does not grow. */
const CODE_MEMORY_MS = 2 * CODE_TTL_MS;

export type Outcome<T> = { ok: true; value: T } | { ok: false; errcode: number };

export type LookupFailure = 'UNKNOWN_APP' | 'USER_NOT_FOUND' | 'APP_MISMATCH' | 'PERSON_TAKEN';
export type Lookup<T> = { ok: true; value: T } | { ok: false; reason: LookupFailure };

export class UserDirectory {
  private readonly apps: ReadonlyMap<string, SimApp>;
  private readonly users = new Map<string, SimUser>();
  private readonly loginCodes = new Map<string, IssuedCode>();
  private readonly phoneCodes = new Map<string, IssuedCode>();

  constructor(
    apps: readonly SimApp[],
    private readonly clock: SimClock,
    private readonly rotation: RotationPolicy,
  ) {
    if (apps.length === 0) throw new Error('the simulator needs at least one app (appId and secret)');
    this.apps = new Map(apps.map((app) => [app.appId, { ...app }]));
  }

  app(appId: string): SimApp | undefined {
    return this.apps.get(appId);
  }

  appList(): SimApp[] {
    return [...this.apps.values()];
  }

  /** The app a device call means when it names none: the first one configured. */
  resolveAppId(appId: string | undefined): Lookup<string> {
    const id = appId ?? this.appList()[0]?.appId;
    if (id === undefined || !this.apps.has(id)) return { ok: false, reason: 'UNKNOWN_APP' };
    return { ok: true, value: id };
  }

  user(openid: string): SimUser | undefined {
    return this.users.get(openid);
  }

  userList(): SimUser[] {
    return [...this.users.values()];
  }

  /** A user of `appId` (or of the first app), for device calls that name one. */
  findUser(appId: string | undefined, openid: string): Lookup<SimUser> {
    const user = this.users.get(openid);
    if (user === undefined) return { ok: false, reason: 'USER_NOT_FOUND' };
    if (appId !== undefined && appId !== user.appId) return { ok: false, reason: 'APP_MISMATCH' };
    return { ok: true, value: user };
  }

  /** The unionid WeChat gives this human in apps bound to `account`. */
  private unionidOf(appId: string, person: string): string | null {
    const account = this.apps.get(appId)?.openPlatform;
    if (account === null) return null;
    const digest = createHash('sha256').update(`${account ?? `own:${appId}`}\0${person}`).digest('base64url');
    return `o${digest.slice(0, 27)}`;
  }

  /**
   * Binds the app to an Open Platform account (null: unbinds it). From now on code2Session
   * returns the account's unionid for the app's users, those it had already included.
   */
  bindOpenPlatform(appId: string, account: string | null): Lookup<SimApp> {
    const app = this.apps.get(appId);
    if (app === undefined) return { ok: false, reason: 'UNKNOWN_APP' };
    app.openPlatform = account;
    for (const user of this.users.values()) {
      if (user.appId === appId && !user.pinnedUnionid) user.unionid = this.unionidOf(appId, user.person);
    }
    return { ok: true, value: app };
  }

  /** The human a new user is: another app's user's, a named one, or a new one. */
  private personFor(input: UserInput, appId: string): Lookup<string> {
    if (input.sameAs !== undefined) {
      const other = this.findUser(input.sameAs.appId, input.sameAs.openid);
      if (!other.ok) return other;
      if (other.value.appId === appId) return { ok: false, reason: 'PERSON_TAKEN' };
      return { ok: true, value: other.value.person };
    }
    const person = input.personKey ?? randomUUID();
    // One human has one openid per app.
    if ([...this.users.values()].some((user) => user.appId === appId && user.person === person)) return { ok: false, reason: 'PERSON_TAKEN' };
    return { ok: true, value: person };
  }

  /** Creates a user, or pins the given fields of an existing one (replaying recorded payloads). */
  upsert(input: UserInput): Lookup<SimUser> {
    const existing = input.openid === undefined ? undefined : this.users.get(input.openid);
    if (existing !== undefined) {
      if (input.appId !== undefined && input.appId !== existing.appId) {
        return { ok: false, reason: 'APP_MISMATCH' };
      }
      this.pin(existing, input);
      return { ok: true, value: existing };
    }
    const app = this.resolveAppId(input.appId);
    if (!app.ok) return app;
    const person = this.personFor(input, app.value);
    if (!person.ok) return person;
    const now = this.clock.now();
    const user: SimUser = {
      appId: app.value,
      openid: input.openid ?? newOpenid(),
      person: person.value,
      pinnedUnionid: input.unionid !== undefined,
      unionid: input.unionid === undefined ? this.unionidOf(app.value, person.value) : input.unionid,
      sessionKey: input.sessionKey ?? newSessionKey(),
      sessionKeyIssuedAt: now,
      sessionKeyUsed: false,
      sessionValid: false,
      nickname: input.nickname ?? `用户${Math.floor(1000 + Math.random() * 9000)}`,
      avatarUrl: input.avatarUrl ?? defaultAvatar(),
      gender: 0,
      phone: { purePhoneNumber: input.phone ?? newPhoneNumber(), countryCode: input.countryCode ?? '86' },
      lastVisitAt: null,
    };
    this.users.set(user.openid, user);
    return { ok: true, value: user };
  }

  private pin(user: SimUser, input: UserInput): void {
    if (input.unionid !== undefined) {
      user.unionid = input.unionid;
      user.pinnedUnionid = true;
    }
    if (input.sessionKey !== undefined) this.replaceKey(user, input.sessionKey);
    if (input.nickname !== undefined) user.nickname = input.nickname;
    if (input.avatarUrl !== undefined) user.avatarUrl = input.avatarUrl;
    if (input.phone !== undefined) user.phone.purePhoneNumber = input.phone;
    if (input.countryCode !== undefined) user.phone.countryCode = input.countryCode;
  }

  private replaceKey(user: SimUser, sessionKey: string): void {
    user.sessionKey = sessionKey;
    user.sessionKeyIssuedAt = this.clock.now();
    user.sessionKeyUsed = false;
  }

  /** What `wx.login` does on the phone: a fresh code, and maybe a fresh session_key. */
  issueLoginCode(user: SimUser): string {
    const now = this.clock.now();
    this.forgetOldCodes(now);
    if (this.shouldRotate(user, now)) this.replaceKey(user, newSessionKey());
    user.sessionKeyUsed = true;
    user.sessionValid = true;
    user.lastVisitAt = now;
    const code = newLoginCode();
    this.loginCodes.set(code, { appId: user.appId, openid: user.openid, issuedAt: now, used: false });
    return code;
  }

  private shouldRotate(user: SimUser, now: number): boolean {
    // A key no code has carried yet is kept, so a pinned key reaches the server unchanged;
    // after that, an expired session always gets a new key.
    if (!user.sessionKeyUsed) return false;
    if (!user.sessionValid) return true;
    if (this.rotation === 'never') return false;
    if (this.rotation === 'always') return true;
    return now - user.sessionKeyIssuedAt >= this.rotation.afterMs;
  }

  /** code2Session: 40029 for unknown, foreign or expired codes, 40163 for a used one. */
  exchangeLoginCode(appId: string, code: string): Outcome<SimUser> {
    const issued = this.loginCodes.get(code);
    const now = this.clock.now();
    if (issued === undefined || issued.appId !== appId) return { ok: false, errcode: 40029 };
    if (issued.used) return { ok: false, errcode: 40163 };
    if (now - issued.issuedAt >= CODE_TTL_MS) return { ok: false, errcode: 40029 };
    const user = this.users.get(issued.openid);
    if (user === undefined) return { ok: false, errcode: 40029 };
    issued.used = true;
    return { ok: true, value: user };
  }

  issuePhoneCode(user: SimUser): string {
    const now = this.clock.now();
    this.forgetOldCodes(now);
    const code = newPhoneCode();
    this.phoneCodes.set(code, { appId: user.appId, openid: user.openid, issuedAt: now, used: false });
    return code;
  }

  /** getuserphonenumber: a phone code is single-use; every bad one is 40029. */
  redeemPhoneCode(appId: string, code: string): Outcome<SimUser> {
    const issued = this.phoneCodes.get(code);
    const now = this.clock.now();
    if (issued === undefined || issued.appId !== appId || issued.used) return { ok: false, errcode: 40029 };
    if (now - issued.issuedAt >= CODE_TTL_MS) return { ok: false, errcode: 40029 };
    const user = this.users.get(issued.openid);
    if (user === undefined) return { ok: false, errcode: 40029 };
    issued.used = true;
    return { ok: true, value: user };
  }

  /** Ends the user's session: `wx.checkSession` fails and the next login gets a new key. */
  expireSession(user: SimUser): void {
    user.sessionValid = false;
  }

  private forgetOldCodes(now: number): void {
    for (const codes of [this.loginCodes, this.phoneCodes]) {
      for (const [code, issued] of codes) {
        if (now - issued.issuedAt > CODE_MEMORY_MS) codes.delete(code);
      }
    }
  }
}

function defaultAvatar(): string {
  const id = Math.random().toString(36).slice(2, 14);
  return `https://thirdwx.qlogo.cn/mmopen/vi_32/sim${id}/132`;
}
