import { netError } from './network.js';

/**
 * The phone's line to the simulator's device half (`/__sim/…`): the user this runtime is,
 * and the calls behind `wx.login`, the consent dialogs and the phone button.
 */

export interface SimUserRef {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/**
 * A device call's answer: the JSON body, or why none usable came. `errno` is the phone-side
 * number the device side gave with its refusal (1400001: the phone-number quota is spent).
 */
export type DeviceAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string; errno?: number };

export class DeviceLink {
  private user: Promise<SimUserRef> | undefined;

  constructor(
    private readonly simulatorUrl: string,
    readonly appId: string,
    private openid: string | undefined,
    /** Told the openid once the user exists (the phone keeps its WeChat account). */
    private readonly onUser: (openid: string) => void = () => {},
  ) {}

  knownOpenid(): string | undefined {
    return this.openid;
  }

  /** Creates (or finds, when an openid was given) this phone's user, once. */
  ensureUser(): Promise<SimUserRef> {
    this.user ??= this.createUser().catch((error: unknown) => {
      this.user = undefined; // a failed attempt is retried by the next call
      throw error;
    });
    return this.user;
  }

  private async createUser(): Promise<SimUserRef> {
    const answer = await this.post('/__sim/users', { appId: this.appId, ...(this.openid ? { openid: this.openid } : {}) });
    if (!answer.ok) throw new Error(`simulator: cannot create the user: ${answer.reason}`);
    const { openid, unionid, sessionKey } = answer.body;
    if (typeof openid !== 'string' || typeof sessionKey !== 'string') throw new Error('simulator: odd /__sim/users answer');
    this.openid = openid;
    this.onUser(openid);
    return { openid, unionid: typeof unionid === 'string' ? unionid : null, sessionKey };
  }

  /** A device call for this phone's user (`{ appId, openid, ...extra }`). */
  async forUser(path: string, extra: Record<string, unknown> = {}, signal?: AbortSignal): Promise<DeviceAnswer> {
    const user = await this.ensureUser();
    return this.post(path, { appId: this.appId, openid: user.openid, ...extra }, signal);
  }

  async post(path: string, body: unknown, signal?: AbortSignal): Promise<DeviceAnswer> {
    try {
      const response = await fetch(`${this.simulatorUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
      const text = await response.text();
      const parsed: unknown = safeJson(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, reason: `${response.status} ${text.slice(0, 80)}`.trim() };
      }
      const record = Object.fromEntries(Object.entries(parsed));
      if (typeof record.errcode === 'number' && record.errcode !== 0) {
        const reason = typeof record.errmsg === 'string' ? record.errmsg : `errcode ${record.errcode}`;
        return typeof record.errno === 'number' ? { ok: false, reason, errno: record.errno } : { ok: false, reason };
      }
      if (!response.ok) {
        return { ok: false, reason: typeof record.message === 'string' ? record.message : String(response.status) };
      }
      return { ok: true, body: record };
    } catch (error) {
      if (signal?.aborted) return { ok: false, reason: 'timeout' };
      return { ok: false, reason: netError(error) };
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
