// One simulated phone running the mini program: the simulator's `wx` runtime (its device half
// reached through this server), the real SDK on top, and a wall clock the page can move.

import type { InspectionEvent } from 'xstate';
import { createMiniAuth, maskingInspector, wxPlatform } from '../../client/index.js';
import type { Clock, MiniAuth } from '../../client/index.js';
import { createWxRuntime } from '../../simulator/wx/runtime.js';
import type { WxRuntime } from '../../simulator/wx/runtime.js';
import type { PrivacySettings } from '../../simulator/wx/privacy.js';
import { WxStorage } from '../../simulator/wx/storage.js';

export const PAGES = ['pages/index/index', 'pages/login/index', 'pages/share/index'];
export const LOGIN_PAGE = '/pages/login/index';
/** The SDK's default storage key plus its suffix: where the login snapshot lives. */
export const LOGIN_STORAGE_KEY = 'miniauth:login';

export interface PhoneWorld {
  appId: string;
  /** The API's base URL: the page's own origin. */
  apiUrl: string;
  /** The simulator's device half, through this server. */
  simulatorUrl: string;
}

export interface PhoneSetup {
  profileRequired: boolean;
  loginPageMode: boolean;
  /** Be this WeChat user (a reinstall, the same phone); a new user when absent. */
  openid?: string;
  /** The same phone again: its storage survives. A fresh storage is a reinstall or a new phone. */
  storage?: WxStorage;
  /** The app shows its own privacy popup (the SDK owns WeChat's listener); else WeChat shows its own. */
  privacyPopup: boolean;
  /** WeChat's privacy state on this phone: the guide's version, the one agreed to, data types it lacks, the answer to WeChat's popup. */
  privacy?: Partial<PrivacySettings>;
  inspect: (event: InspectionEvent) => void;
}

/** Real time plus an offset: "days pass" moves it; the machine's timers stay real. */
export class PhoneClock implements Clock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  setTimeout = (fn: (...args: unknown[]) => void, ms: number): unknown => setTimeout(fn, ms);
  clearTimeout = (id: unknown): void => clearTimeout(id as ReturnType<typeof setTimeout>);
}

// Short pauses between automatic attempts, so that a person sees the backoff without waiting.
const PLAYGROUND_RETRY = { backoffMs: 500 };

export class Phone {
  readonly runtime: WxRuntime;
  readonly auth: MiniAuth;
  readonly storage: WxStorage;
  readonly clock = new PhoneClock();
  /** When this phone started: the server's failed logins are shown from then on. */
  readonly startedAt = new Date();

  constructor(world: PhoneWorld, setup: PhoneSetup) {
    this.storage = setup.storage ?? new WxStorage();
    this.runtime = createWxRuntime({
      simulatorUrl: world.simulatorUrl,
      appId: world.appId,
      storage: this.storage,
      pages: PAGES,
      networkTimeout: 5_000,
      ...(setup.openid ? { openid: setup.openid } : {}),
      ...(setup.privacy ? { privacy: setup.privacy } : {}),
    });
    this.auth = createMiniAuth({
      baseURL: world.apiUrl,
      platform: { ...wxPlatform(this.runtime.wx), clock: this.clock },
      profile: setup.profileRequired ? 'required' : 'none',
      loginPage: setup.loginPageMode ? LOGIN_PAGE : null,
      retry: PLAYGROUND_RETRY,
      privacy: setup.privacyPopup ? 'popup' : 'wechat',
      // Masked: the page shows the events, and they carry codes and tokens.
      inspect: maskingInspector(setup.inspect),
    });
  }

  /** A cold start on a page, as App.onLaunch sees it (1007: opened from a shared card). */
  launch(path = 'pages/index/index', query: Record<string, string> = {}, scene = 1001): void {
    this.auth.start(this.runtime.sim.launch({ path, query, scene }));
  }

  openid(): Promise<string> {
    return this.runtime.sim.user().then((user) => user.openid);
  }

  /** The token the SDK stored on the phone, read back as the next launch would. */
  storedLogin(): { token: string; expiresAt: number | null } | null {
    const text = this.storage.get(LOGIN_STORAGE_KEY);
    if (typeof text !== 'string') return null;
    try {
      const context = (JSON.parse(text) as { snapshot?: { context?: { token?: unknown; expiresAt?: unknown } } }).snapshot?.context;
      if (typeof context?.token !== 'string') return null;
      return { token: context.token, expiresAt: typeof context.expiresAt === 'number' ? context.expiresAt : null };
    } catch {
      return null;
    }
  }

  stop(): void {
    this.auth.stop();
  }
}
