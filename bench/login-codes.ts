// wx.login codes for the login figures, as phones would bring them: a share of first logins
// (a new simulator user each) and the rest returning users who logged in before. Codes are
// taken from the simulator's device half before a round starts, so the round measures the
// server alone; the server still exchanges each code with the simulator over loopback.

import type { Simulator } from '../simulator/index.js';

/** First logins among all logins (the rest are returning users): a launch-day mix. */
export const NEW_USER_SHARE = 0.3;

async function device<T>(sim: Simulator, url: string, payload: Record<string, unknown>): Promise<T> {
  const response = await sim.app.inject({ method: 'POST', url, payload });
  if (response.statusCode !== 200) throw new Error(`simulator ${url}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

/** Request bodies for one run of logins. */
export interface LoginBatch {
  bodies: string[];
  /**
   * Says how many of the bodies, from the first, were logged in: their new users are returning
   * users from now on (the others never reached the server and stay unknown to it).
   */
  used(count: number): void;
}

export class LoginCodeSupply {
  readonly #sim: Simulator;
  readonly #appId: string;
  /** Users who logged in before: they log in again as returning users. */
  readonly #known: string[] = [];

  constructor(sim: Simulator, appId: string) {
    this.#sim = sim;
    this.#appId = appId;
  }

  /** `count` request bodies `{"code":"…"}`, `newShare` of them for new users (all while nobody is known). */
  async batch(count: number, newShare = NEW_USER_SHARE): Promise<LoginBatch> {
    const openids: string[] = [];
    const fresh = new Set<string>();
    for (let i = 0; i < count; i++) {
      const returning = this.#known.length > 0 && Math.random() >= newShare;
      if (returning) {
        openids.push(this.#known[Math.floor(Math.random() * this.#known.length)]!);
      } else {
        const { openid } = await device<{ openid: string }>(this.#sim, '/__sim/users', { appId: this.#appId });
        openids.push(openid);
        fresh.add(openid);
      }
    }
    const bodies: string[] = [];
    for (const openid of openids) {
      const { code } = await device<{ code: string }>(this.#sim, '/__sim/login', { appId: this.#appId, openid });
      bodies.push(JSON.stringify({ code }));
    }
    return {
      bodies,
      used: (used) => {
        for (const openid of openids.slice(0, used)) {
          if (fresh.delete(openid)) this.#known.push(openid);
        }
      },
    };
  }
}
