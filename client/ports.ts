// The small typed ports the SDK needs from a platform. The wx adapters in ./platform
// implement them; other platforms (Alipay, a test double) can be written against them.

/** What wx.request can send (no PATCH on WeChat). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface HttpRequest {
  url: string;
  method: HttpMethod;
  data?: unknown;
  header?: Record<string, string>;
  timeout?: number;
}

/** Any HTTP answer, 4xx and 5xx included: `ok` is false outside 2xx. */
export interface HttpResponse<T = unknown> {
  ok: boolean;
  status: number;
  data: T;
  header: Record<string, string>;
}

/** Key/value strings, synchronous like wx's *StorageSync calls. */
export interface Storage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export interface Request {
  /** Resolves with every HTTP answer; rejects (MiniAuthError, reason `network`) only when none came. */
  send(request: HttpRequest): Promise<HttpResponse>;
}

export interface Login {
  /** A fresh one-time code (wx.login); rejects with reason `wxLogin`, errMsg kept. */
  login(): Promise<{ code: string }>;
}

export interface Navigator {
  /** Replaces the current page: the stack keeps its depth. */
  redirectTo(url: string): Promise<void>;
  /** Closes every page and opens this one (works before the first page exists). */
  reLaunch(url: string): Promise<void>;
}

export interface Feedback {
  toast(message: string): void;
  showLoading(title: string): void;
  hideLoading(): void;
}

/** Wall-clock time and timers; XState's delays run on it. */
export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** `resolve`'s argument in wx.onNeedPrivacyAuthorization, as WeChat documents it. */
export interface PrivacyResolution {
  event: 'exposureAuthorization' | 'agree' | 'disagree';
  buttonId?: string;
}

/**
 * WeChat's privacy consent gate (base library 2.32.3+). A platform without it leaves the port
 * out, and the SDK skips the gate.
 */
export interface Privacy {
  /** wx.getPrivacySetting. */
  getSetting(): Promise<{ needAuthorization: boolean; privacyContractName?: string }>;
  /** wx.onNeedPrivacyAuthorization: WeChat keeps one listener per app, so the SDK registers it once. */
  onNeedAuthorization(listener: (resolve: (resolution: PrivacyResolution) => void, referrer: string) => void): void;
  /** wx.requirePrivacyAuthorize: resolves once agreed (at once if already), rejects with WeChat's failure. */
  requireAuthorize(): Promise<void>;
  /** wx.openPrivacyContract: shows the guide. */
  openContract(): Promise<void>;
}

export interface Platform {
  storage: Storage;
  request: Request;
  login: Login;
  navigator: Navigator;
  feedback: Feedback;
  privacy?: Privacy;
  clock?: Clock;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};
