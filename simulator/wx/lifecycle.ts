import type { LaunchOptions, SimulatedWx } from '../wx-types.js';
import { parsePageUrl, type PageStack } from './pages.js';

/**
 * App launch, show and hide: the launch options `App.onLaunch` would see (a shared card's
 * path and query), the enter options of each return to the foreground, and the listeners.
 */

export interface LaunchSpec {
  /** `/pages/share/share`, `pages/share/share`, or with a query: `/pages/share/share?id=7`. */
  path: string;
  query?: Record<string, string>;
  /** 1001 by default (opened from the recent list); 1007 is a shared card in a chat. */
  scene?: number;
  shareTicket?: string;
  referrerInfo?: LaunchOptions['referrerInfo'];
}

type ShowListener = WechatMiniprogram.OnAppShowCallback;
type HideListener = WechatMiniprogram.OnAppHideCallback;

/** No referrer: WeChat answers `{}` (its typings describe the fields of a referrer that is there). */
const NO_REFERRER = {} as LaunchOptions['referrerInfo'];

/** What every launch reports beside the page: an ordinary mini program, opened on its own. */
function ordinaryLaunch(): Pick<LaunchOptions, 'apiCategory' | 'forwardMaterials' | 'hostExtraData'> {
  return { apiCategory: 'default', forwardMaterials: [], hostExtraData: { host_scene: '' } };
}

export class AppLifecycle {
  private launchOptions: LaunchOptions;
  private enterOptions: LaunchOptions;
  private showListeners: ShowListener[] = [];
  private hideListeners: HideListener[] = [];
  foreground = false;

  constructor(
    private readonly stack: PageStack,
    homeRoute: string,
  ) {
    this.launchOptions = { ...ordinaryLaunch(), path: homeRoute, query: {}, scene: 1001, referrerInfo: NO_REFERRER };
    this.enterOptions = this.launchOptions;
  }

  /** A cold start: the stack holds the launch page alone, listeners hear `onAppShow`. */
  launch(spec: LaunchSpec): LaunchOptions {
    this.launchOptions = this.open(spec);
    this.enterOptions = this.launchOptions;
    this.foreground = true;
    this.notifyShow();
    return this.launchOptions;
  }

  hide(): void {
    this.foreground = false;
    for (const listener of [...this.hideListeners]) listener({ reason: 0 });
  }

  /** Back to the foreground; with a path (a card opened while in the background) the app relaunches there. */
  show(spec?: Partial<LaunchSpec>): LaunchOptions {
    const top = this.stack.top();
    if (spec?.path !== undefined) {
      this.enterOptions = this.open({ ...spec, path: spec.path });
    } else {
      this.enterOptions = {
        ...ordinaryLaunch(),
        path: top?.route ?? this.launchOptions.path,
        query: spec?.query ?? { ...(top?.options ?? {}) },
        scene: spec?.scene ?? 1001,
        referrerInfo: NO_REFERRER,
      };
    }
    this.foreground = true;
    this.notifyShow();
    return this.enterOptions;
  }

  api(): Pick<
    SimulatedWx,
    'getLaunchOptionsSync' | 'getEnterOptionsSync' | 'onAppShow' | 'offAppShow' | 'onAppHide' | 'offAppHide'
  > {
    return {
      getLaunchOptionsSync: () => copy(this.launchOptions),
      getEnterOptionsSync: () => copy(this.enterOptions),
      onAppShow: (listener) => {
        this.showListeners.push(listener);
      },
      offAppShow: (listener) => {
        this.showListeners = listener === undefined ? [] : this.showListeners.filter((l) => !sameListener(l, listener));
      },
      onAppHide: (listener) => {
        this.hideListeners.push(listener);
      },
      offAppHide: (listener) => {
        this.hideListeners = listener === undefined ? [] : this.hideListeners.filter((l) => !sameListener(l, listener));
      },
    };
  }

  private open(spec: LaunchSpec): LaunchOptions {
    const target = parsePageUrl(spec.path.startsWith('/') ? spec.path : `/${spec.path}`);
    if (!target.ok) throw new Error(`cannot launch: ${target.reason}`);
    const query = { ...target.page.options, ...(spec.query ?? {}) };
    this.stack.reset({ route: target.page.route, options: query });
    return {
      ...ordinaryLaunch(),
      path: target.page.route,
      query,
      scene: spec.scene ?? 1001,
      ...(spec.shareTicket === undefined ? {} : { shareTicket: spec.shareTicket }),
      referrerInfo: spec.referrerInfo ?? NO_REFERRER,
    };
  }

  private notifyShow(): void {
    for (const listener of [...this.showListeners]) listener(copy(this.enterOptions));
  }
}

/** The typings give `off…` listeners another parameter type than `on…` ones; they are the same functions. */
function sameListener(registered: unknown, given: unknown): boolean {
  return registered === given;
}

function copy(options: LaunchOptions): LaunchOptions {
  return { ...options, query: { ...options.query }, referrerInfo: { ...options.referrerInfo } };
}
