// A phone running the example: a stand-in for WeChat's framework, no more than the tests need.
// The example's own app.js, pages and components run unchanged: pages and the login box are
// rendered by miniprogram-simulate (WeChat's component test tool, on jsdom), `wx` is the
// simulator's runtime against the real server. What this file adds is the framework's part:
// App() and getApp(), App.onLaunch/onShow, pages that follow the page stack (onLoad with
// the query, onShow, onUnload), and the two taps miniprogram-simulate leaves to the framework:
// a `<navigator>` (it renders one but never navigates) and a share (onShareAppMessage).

import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type { LaunchOptions, MiniAuth } from '../../../client/index.js';
import { SIMULATOR_APP } from '../../../server/config.js';
import { createWxRuntime } from '../../../simulator/index.js';
import type { PrivacySettings, SimulatedWx, WxRuntime, WxStorage } from '../../../simulator/index.js';
import { document } from './dom.js';
import type { ExampleCopy } from './example-copy.js';

const nodeRequire = createRequire(import.meta.url);

/** A node of a rendered tree (j-component's Component): a page, the login box, a button. */
export interface RenderedNode {
  readonly dom: { textContent: string | null };
  readonly data: Record<string, unknown>;
  readonly instance: Record<string, unknown>;
  querySelector(selector: string): RenderedNode | undefined;
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
  /** The node as WXML wrote it: `wx-navigator`, attributes camel-cased (`open-type` is `openType`). */
  toJSON(): { tagName: string; attrs: Array<{ name: string; value: unknown }> };
}

interface RootNode extends RenderedNode {
  attach(parent: unknown): void;
  detach(): void;
}

interface Simulate {
  load(componentPath: string, options: { rootPath: string }): string;
  render(id: string): RootNode;
}

// Requiring it defines the global Component() and Behavior() the example's files call.
const simulate = nodeRequire('miniprogram-simulate') as Simulate;
const globals = globalThis as unknown as Record<string, unknown>;

/** What App({...}) in app.js defines, as getApp() returns it. */
interface ExampleApp {
  auth: MiniAuth;
  onLaunch(options: LaunchOptions): void;
  onShow(options: LaunchOptions): void;
}

/** What WeChat passes to onShareAppMessage when the share comes from a button (the ⋯ menu passes `from: 'menu'`). */
type ShareSource = { from: 'button'; target: { id: string; dataset: Record<string, unknown> } };

/** The card a page shares: what a friend sees and the page (with query) it opens. */
export interface ShareCard {
  title?: string;
  path?: string;
  imageUrl?: string;
}

type PageHooks = {
  onLoad?(query: Record<string, string>): void;
  onShow?(): void;
  onHide?(): void;
  onUnload?(): void;
  onShareAppMessage?(source: ShareSource): ShareCard | undefined;
};

/** A `<navigator>`'s way of opening its url: the framework's call for each `open-type`. */
type Follow = (openType: string, url: string) => Promise<void>;

function attributeOf(node: RenderedNode, name: string): string | undefined {
  const attribute = node.toJSON().attrs.find((attr) => attr.name === name);
  return attribute === undefined ? undefined : String(attribute.value);
}

export class Page {
  constructor(
    readonly route: string,
    readonly options: Record<string, string>,
    readonly root: RootNode,
    private readonly follow: Follow,
  ) {}

  /** The text a person sees, whitespace collapsed. */
  text(): string {
    return (this.root.dom.textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  /** A node by a chain of selectors, each inside the custom component found by the one before. */
  find(...selectors: string[]): RenderedNode | undefined {
    let node: RenderedNode | undefined = this.root;
    for (const selector of selectors) node = node?.querySelector(selector);
    return node;
  }

  /** Fires `event` on the node, as a tap or WeChat's button callbacks do; resolves once handled. */
  async fire(event: string, selectors: string[], detail: unknown = {}): Promise<void> {
    const node = this.find(...selectors);
    if (!node) throw new Error(`${this.route}: nothing matches ${selectors.join(' ')}`);
    node.dispatchEvent(event, { detail });
    await new Promise((resolve) => setTimeout(resolve, 0)); // j-component delivers events a tick later
  }

  /**
   * A tap; on a `<navigator>` WeChat then opens its url the way its open-type says, which
   * miniprogram-simulate does not do: here the tap resolves once the new page is shown.
   */
  async tap(...selectors: string[]): Promise<void> {
    const node = this.find(...selectors); // read before the tap, which may take the node away
    const navigator = node?.toJSON().tagName === 'wx-navigator' ? node : undefined;
    await this.fire('tap', selectors);
    if (navigator) await this.follow(attributeOf(navigator, 'openType') ?? 'navigate', attributeOf(navigator, 'url') ?? '');
  }

  /**
   * The card WeChat sends when the person taps the `<button open-type="share">` the selectors
   * name: WeChat asks the page's onShareAppMessage, which miniprogram-simulate never calls.
   */
  share(...selectors: string[]): ShareCard {
    const onShare = this.hooks().onShareAppMessage;
    if (!onShare) throw new Error(`${this.route} has no onShareAppMessage: WeChat does not let it be shared`);
    const button = this.find(...selectors);
    if (!button) throw new Error(`${this.route}: nothing matches ${selectors.join(' ')}`);
    if (attributeOf(button, 'openType') !== 'share') throw new Error(`${this.route}: ${selectors.join(' ')} is not a share button`);
    const target = { id: attributeOf(button, 'id') ?? '', dataset: {} };
    return onShare.call(this.root.instance, { from: 'button', target }) ?? {};
  }

  hooks(): PageHooks {
    return this.root.instance as PageHooks;
  }
}

export interface PhoneSettings {
  /** config.js `loginMode`. */
  loginMode?: 'component' | 'loginPage';
  /** config.js `profile`. */
  profile?: 'none' | 'required';
  /** config.js `simulatorUrl`: development mode, where the app fetches codes from the simulator itself. */
  simulatorUrl?: string | null;
  /** `legacy`: a base library older than 2.21.2, without the avatar/nickname fill-in. */
  baseLibrary?: 'current' | 'legacy';
  storage?: WxStorage;
  /** WeChat's privacy state on this phone; agreed to the guide unless a test says otherwise. */
  privacy?: Partial<PrivacySettings>;
}

let openPhone: Phone | null = null;

export class Phone {
  readonly runtime: WxRuntime;
  private readonly wx: SimulatedWx;
  private app: ExampleApp | null = null;
  private stack: Page[] = [];
  private readonly saved: Record<string, unknown> = {};
  /** WeChat's profile dialogs the person was shown (getUserProfile calls). */
  profileDialogs = 0;

  constructor(
    private readonly example: ExampleCopy,
    private readonly baseURL: string,
    simulatorUrl: string,
    private readonly settings: PhoneSettings = {},
  ) {
    if (openPhone) throw new Error('one phone at a time: the example runs on the global wx');
    openPhone = this;
    this.runtime = createWxRuntime({
      simulatorUrl, appId: SIMULATOR_APP.appId, pages: example.pages,
      ...(settings.storage ? { storage: settings.storage } : {}),
      privacy: { agreedVersion: 1, ...settings.privacy },
    });
    const { wx } = this.runtime;
    // Navigation goes through the runtime's page stack; the framework then shows its top page.
    const following = <K extends 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack'>(name: K): SimulatedWx[K] =>
      ((option: Parameters<SimulatedWx[K]>[0]) =>
        (wx[name] as (o: unknown) => void)({
          ...option,
          complete: (result: unknown) => {
            (option as { complete?: (r: unknown) => void } | undefined)?.complete?.(result);
            this.showStackTop();
          },
        })) as SimulatedWx[K];
    this.wx = {
      ...wx,
      navigateTo: following('navigateTo'),
      redirectTo: following('redirectTo'),
      reLaunch: following('reLaunch'),
      navigateBack: following('navigateBack'),
      getUserProfile: (option) => {
        this.profileDialogs += 1;
        return wx.getUserProfile(option);
      },
      ...(settings.baseLibrary === 'legacy' ? { canIUse: (what: string) => what !== 'button.open-type.chooseAvatar' } : {}),
    };
    for (const name of ['wx', 'App', 'getApp']) this.saved[name] = globals[name];
    globals['wx'] = this.wx;
  }

  get auth(): MiniAuth {
    if (!this.app) throw new Error('the app has not been launched');
    return this.app.auth;
  }

  /** A cold start on `path` (a shared card: scene 1007), as WeChat runs it: app.js, then the page. */
  launch(path: string, query: Record<string, string> = {}, scene = 1007): void {
    this.app = this.loadApp();
    const options = this.runtime.sim.launch({ path, query, scene });
    this.app.onLaunch.call(this.app, options);
    this.app.onShow.call(this.app, options);
    this.showStackTop();
  }

  /** The person switches to another app: pages and app hear nothing until they come back. */
  hide(): void {
    this.runtime.sim.hide();
    this.page().hooks().onHide?.();
  }

  /** Back to the foreground, as WeChat reports it: App.onShow with the enter options, then the page. */
  show(): void {
    if (!this.app) throw new Error('the app has not been launched');
    const options = this.runtime.sim.show();
    this.app.onShow.call(this.app, options);
    this.page().hooks().onShow?.();
  }

  /** The page on screen. */
  page(): Page {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('no page is shown');
    return top;
  }

  close(): void {
    for (const page of this.stack.reverse()) this.unload(page);
    this.stack = [];
    this.app?.auth.stop();
    for (const [name, value] of Object.entries(this.saved)) globals[name] = value;
    openPhone = null;
  }

  /** app.js fresh from the copy, with config.js set as the test asks (one setting file, as for a team). */
  private loadApp(): ExampleApp {
    for (const key of Object.keys(nodeRequire.cache)) {
      if (key.startsWith(this.example.dir + sep)) delete nodeRequire.cache[key];
    }
    const config = nodeRequire(join(this.example.dir, 'config.js')) as Record<string, unknown>;
    Object.assign(config, {
      baseURL: this.baseURL,
      simulatorUrl: this.settings.simulatorUrl ?? null,
      loginMode: this.settings.loginMode ?? config['loginMode'],
      profile: this.settings.profile ?? config['profile'],
    });
    let app: ExampleApp | null = null;
    globals['App'] = (definition: ExampleApp) => {
      app = definition;
    };
    globals['getApp'] = () => app;
    nodeRequire(join(this.example.dir, 'app.js'));
    if (!app) throw new Error('app.js did not call App()');
    return app;
  }

  /** Pages follow the runtime's stack: those that left are unloaded, new ones loaded with their query. */
  private showStackTop(): void {
    const wanted = this.runtime.getCurrentPages();
    let kept = 0;
    while (
      kept < this.stack.length && kept < wanted.length &&
      this.stack[kept]!.route === wanted[kept]!.route &&
      JSON.stringify(this.stack[kept]!.options) === JSON.stringify(wanted[kept]!.options)
    ) kept += 1;
    const left = this.stack.splice(kept).reverse();
    for (const page of left) this.unload(page);
    if (kept === wanted.length) {
      if (left.length > 0 && kept > 0) this.page().hooks().onShow?.(); // back to a page under the ones that left
      return;
    }
    if (this.stack.length > 0) this.page().hooks().onHide?.();
    for (const { route, options } of wanted.slice(kept)) this.stack.push(this.render(route, options));
  }

  private render(route: string, options: Record<string, string>): Page {
    const id = simulate.load(join(this.example.dir, route), { rootPath: this.example.dir });
    const root = simulate.render(id);
    root.attach(document.createElement('parent-wrapper'));
    const page = new Page(route, { ...options }, root, (openType, url) => this.follow(openType, url));
    page.hooks().onLoad?.({ ...options });
    page.hooks().onShow?.();
    return page;
  }

  /** A navigator's open-type as the framework maps it to wx (WeChat's own names for the calls). */
  private follow(openType: string, url: string): Promise<void> {
    const calls: Record<string, 'navigateTo' | 'redirectTo' | 'reLaunch'> = {
      navigate: 'navigateTo', redirect: 'redirectTo', reLaunch: 'reLaunch',
    };
    const call = calls[openType];
    if (!call) return Promise.reject(new Error(`navigator open-type "${openType}" is not followed by this phone`));
    const navigate: (option: { url: string; fail(failure: { errMsg: string }): void; complete(): void }) => unknown = this.wx[call];
    return new Promise((resolve, reject) => {
      navigate({
        url,
        fail: (failure) => reject(new Error(`navigator to ${url}: ${failure.errMsg}`)),
        complete: () => resolve(),
      });
    });
  }

  private unload(page: Page): void {
    page.hooks().onUnload?.();
    page.root.detach();
  }
}
