// The phone's network, held: every `wx.login` and `wx.request` the SDK makes waits here until
// the path says how it ends (as a slow network would hold it), then goes out for real to the
// simulator or the server, with a WeChat fault or a dropped network armed just before when the
// path asks for one. Nothing happens on its own, so each step of a path is one thing.

import type { WxApi } from '../../client/index.js';
import type { SimulatedWx, WxRuntime } from '../../simulator/index.js';
import type { FaultSpec } from '../../simulator/index.js';
import { describePage } from '../model/environment.js';

export interface HeldCall {
  kind: 'wx.login' | 'wx.request' | 'wx.getPrivacySetting';
  method: string;
  /** Path and query on the server (`/me?req=r1`); `wx.login` for a login. */
  path: string;
  header: Record<string, string>;
}

/** How a released call is to end: a simulator fault armed first, the phone offline for it, or a privacy call failing. */
export interface Recipe {
  fault?: FaultSpec;
  offline?: boolean;
  privacyFault?: string;
}

interface Entry extends HeldCall {
  send(offline: boolean): void;
}

/** What the SDK gets as `wx`: the calls it makes, and the phone's clearStorageSync for planted bugs. */
export type GatedWx = WxApi & Pick<SimulatedWx, 'clearStorageSync'>;

export interface Gate {
  /** What the SDK gets as `wx`. */
  wx: GatedWx;
  /** Navigations the SDK asked for, as `redirectTo pages/share/index?from=a b&invite=abc`. */
  navigations(): readonly string[];
  /** The wait (Retry-After, in ms) the last answer that came back named, if it named one. */
  lastRetryAfterMs(): number | undefined;
  held(): readonly HeldCall[];
  release(call: HeldCall, recipe?: Recipe): Promise<void>;
  /** Resolves once no released call is still on its way and the SDK has had time to react. */
  settled(): Promise<void>;
}

/** `/pages/share/index?from=a%20b&invite=abc` as the model describes a page. */
function pageOfUrl(url: string): string {
  const [path = '', query = ''] = url.split('?');
  const options: Record<string, string> = {};
  for (const pair of query.split('&').filter(Boolean)) {
    const [key = '', value = ''] = pair.split('=');
    options[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  return describePage({ route: path.replace(/^\/+/, ''), options });
}

/** Retry-After of an HTTP answer, from the body (`retryAfterSeconds`) or the header. */
function retryAfterOf(result: unknown): number | undefined {
  const { data, header } = (result ?? {}) as { data?: { retryAfterSeconds?: unknown }; header?: Record<string, string> };
  const seconds = Number(data?.retryAfterSeconds ?? header?.['retry-after'] ?? header?.['Retry-After']);
  return seconds > 0 ? seconds * 1000 : undefined;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Far above a loopback round trip, far below the test timeout: a call that hangs is a finding. */
const SETTLE_LIMIT_MS = 10_000;

export function gateWx(runtime: WxRuntime, armFault: (fault: FaultSpec) => Promise<void>): Gate {
  const real = runtime.wx;
  const held: Entry[] = [];
  const navigations: string[] = [];
  let retryAfterMs: number | undefined;
  let inAir = 0;
  let offlineCalls = 0;

  /** Wraps callbacks so the gate knows when the answer reached the SDK. */
  function landing<T extends { success?: (r: never) => void; fail?: (e: never) => void }>(option: T, offline: boolean): T {
    let landed = false;
    const land = () => {
      if (landed) return;
      landed = true;
      inAir -= 1;
      if (offline && --offlineCalls === 0) runtime.sim.setNetwork('online');
    };
    return {
      ...option,
      success: (result: never) => {
        land();
        retryAfterMs = retryAfterOf(result);
        option.success?.(result);
      },
      fail: (error: never) => {
        land();
        option.fail?.(error);
      },
    };
  }

  const wx: GatedWx = {
    ...real,
    redirectTo(option) {
      navigations.push(`redirectTo ${pageOfUrl(option.url)}`);
      real.redirectTo(option);
    },
    reLaunch(option) {
      navigations.push(`reLaunch ${pageOfUrl(option.url)}`);
      real.reLaunch(option);
    },
    login(option = {}) {
      held.push({
        kind: 'wx.login', method: 'LOGIN', path: 'wx.login', header: {},
        send: (offline) => real.login(landing(option, offline)),
      });
    },
    getPrivacySetting(option = {}) {
      held.push({
        kind: 'wx.getPrivacySetting', method: 'PRIVACY', path: 'wx.getPrivacySetting', header: {},
        send: (offline) => real.getPrivacySetting!(landing(option, offline)),
      });
    },
    request(option) {
      const url = new URL(option.url);
      const query = option.method === 'GET' || option.method === undefined
        ? new URLSearchParams(option.data as Record<string, string> | undefined).toString()
        : '';
      held.push({
        kind: 'wx.request',
        method: option.method ?? 'GET',
        path: `${url.pathname}${url.search}${query ? `${url.search ? '&' : '?'}${query}` : ''}`,
        header: { ...option.header },
        send: (offline) => {
          real.request(landing(option, offline));
        },
      });
      return { abort: () => undefined };
    },
  };

  return {
    wx,
    navigations: () => navigations,
    lastRetryAfterMs: () => retryAfterMs,
    held: () => held.map(({ kind, method, path, header }) => ({ kind, method, path, header })),
    async release(call, recipe = {}) {
      const index = held.findIndex((entry) => entry.kind === call.kind && entry.method === call.method && entry.path === call.path);
      const entry = held[index];
      if (!entry) throw new Error(`nothing is waiting for ${call.method} ${call.path}`);
      held.splice(index, 1);
      if (recipe.fault) await armFault(recipe.fault);
      if (recipe.privacyFault) runtime.sim.failPrivacyCall('getPrivacySetting', recipe.privacyFault);
      inAir += 1;
      const offline = recipe.offline === true;
      if (offline) {
        offlineCalls += 1;
        runtime.sim.setNetwork('offline');
      }
      entry.send(offline);
    },
    async settled() {
      const deadline = Date.now() + SETTLE_LIMIT_MS;
      for (let quiet = 0; quiet < 3;) {
        await turn();
        if (inAir === 0) {
          quiet += 1;
          continue;
        }
        quiet = 0;
        if (Date.now() > deadline) throw new Error(`${inAir} call(s) let through did not come back within ${SETTLE_LIMIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
  };
}
