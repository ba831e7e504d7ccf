import { asyncCall, fail, failed, ok, succeeded, type Settled } from './callbacks.js';
import type { GeneralCallbackResult, NavigateBackOption, NavigateOption, SimulatedWx, WxFailResult, WxPage } from '../wx-types.js';

/**
 * The page stack with WeChat's rules: at most 10 pages, `redirectTo` replaces the top,
 * `reLaunch` leaves one page, `navigateBack` stops at the first page. Stack changes happen
 * at once; the callbacks follow asynchronously.
 */

export const MAX_PAGES = 10;

export type PageTarget = { ok: true; page: WxPage } | { ok: false; reason: string };

/** `/pages/x/y?a=1` or a path relative to `fromRoute` → route (no leading slash) and options. */
export function parsePageUrl(url: string, fromRoute = ''): PageTarget {
  const [pathPart = '', query = ''] = splitOnce(url, '?');
  if (pathPart === '') return { ok: false, reason: `url "${url}" names no page` };
  const base = pathPart.startsWith('/') ? [] : fromRoute.split('/').slice(0, -1);
  const segments: string[] = [...base];
  for (const segment of pathPart.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return { ok: true, page: { route: segments.join('/'), options: parseQuery(query) } };
}

export function parseQuery(query: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const [key = '', value = ''] = splitOnce(pair, '=');
    options[decode(key)] = decode(value);
  }
  return options;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export class PageStack {
  private stack: WxPage[] = [];

  /** `knownPages`: the routes of app.json; when given, other routes are "not found". */
  constructor(private readonly knownPages?: readonly string[]) {}

  pages(): WxPage[] {
    return this.stack.map((page) => ({ route: page.route, options: { ...page.options } }));
  }

  top(): WxPage | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Sets the stack to one page (launch, reLaunch). */
  reset(page: WxPage): void {
    this.stack = [page];
  }

  /** The page a url names, or WeChat's reason for refusing it. */
  resolve(url: unknown): PageTarget {
    if (typeof url !== 'string') {
      return { ok: false, reason: `parameter error: parameter.url should be String instead of ${typeName(url)};` };
    }
    const target = parsePageUrl(url, this.top()?.route);
    if (target.ok && this.knownPages !== undefined && !this.knownPages.includes(target.page.route)) {
      return { ok: false, reason: `page "${target.page.route}" is not found` };
    }
    return target;
  }

  navigateTo(page: WxPage): string | undefined {
    if (this.stack.length >= MAX_PAGES) return 'webview count limit exceed';
    this.stack.push(page);
    return undefined;
  }

  redirectTo(page: WxPage): void {
    this.stack.splice(Math.max(0, this.stack.length - 1), 1, page);
  }

  navigateBack(delta: number): string | undefined {
    if (this.stack.length <= 1) return 'cannot navigate back at first page.';
    this.stack.splice(Math.max(1, this.stack.length - Math.max(1, Math.floor(delta))));
    return undefined;
  }
}

function typeName(value: unknown): string {
  if (value === undefined) return 'Undefined';
  if (value === null) return 'Null';
  const name = typeof value;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

type NavigationApi = Pick<SimulatedWx, 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack'>;

export function navigationApi(stack: PageStack): NavigationApi {
  /** Resolves the url, applies the change, reports the outcome. */
  function go(api: string, option: NavigateOption | undefined, change: (page: WxPage) => string | undefined) {
    const target = stack.resolve(option?.url);
    const refusal = target.ok ? change(target.page) : target.reason;
    return outcome(api, refusal);
  }

  return {
    navigateTo: asyncCall((option?: NavigateOption) => go('navigateTo', option, (page) => stack.navigateTo(page))),
    redirectTo: asyncCall((option?: NavigateOption) =>
      go('redirectTo', option, (page) => {
        stack.redirectTo(page);
        return undefined;
      }),
    ),
    reLaunch: asyncCall((option?: NavigateOption) =>
      go('reLaunch', option, (page) => {
        stack.reset(page);
        return undefined;
      }),
    ),
    navigateBack: asyncCall((option?: NavigateBackOption) => outcome('navigateBack', stack.navigateBack(option?.delta ?? 1))),
  };
}

function outcome(api: string, refusal: string | undefined): Settled<GeneralCallbackResult, WxFailResult> {
  return refusal === undefined ? succeeded(ok(api)) : failed(fail(api, refusal));
}
