// What a person does with the guide's pages in these tests: read the screen, tap a button by
// its label, and get WeChat's component events (`chooseavatar`, the nickname input's `blur`),
// which reach a uni-app page as DOM events with `detail` and a Taro page through its props.

import { eventually } from '../../client/testing/e2e-world.js';
import type { Element } from '../../client/testing/dom.js';
import type { WxRuntime } from '../../simulator/index.js';

export interface Screen {
  /** The page's text, as one line. */
  text(): string;
  tap(label: string): void;
  enabled(label: string): boolean;
  /** WeChat's component event `type` with its `detail`, on the first element matching `selector`. */
  fire(selector: string, type: 'chooseavatar' | 'blur', detail: unknown): void;
}

type Node = Element & { click(): void; disabled?: boolean; dispatchEvent(event: unknown): void };

function buttonOf(root: Element, label: string): Node {
  const found = Array.from(root.querySelectorAll('button')).find((node) => node.textContent?.trim() === label);
  if (!found) throw new Error(`no button "${label}" on: ${root.textContent}`);
  return found as Node;
}

function first(root: Element, selector: string): Node {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found as Node;
}

/** Taro's props for WeChat's events: `bindchooseavatar` is `onChooseAvatar`. */
const TARO_PROPS = { chooseavatar: 'onChooseAvatar', blur: 'onBlur' } as const;

export function screenOf(root: Element, framework: 'uni-app' | 'Taro'): Screen {
  return {
    text: () => root.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    tap: (label) => buttonOf(root, label).click(),
    enabled: (label) => !buttonOf(root, label).disabled,
    fire(selector, type, detail) {
      const node = first(root, selector);
      if (framework === 'uni-app') {
        node.dispatchEvent(new CustomEvent(type, { detail }));
        return;
      }
      const propsKey = Object.keys(node).find((key) => key.startsWith('__reactProps$'));
      const props = (propsKey ? Reflect.get(node, propsKey) : {}) as Record<string, (event: unknown) => void>;
      props[TARO_PROPS[type]]?.({ type, detail });
    },
  };
}

/** The guide's login box, filled in as a person would: avatar, nickname, then the button. */
export async function signUp(phone: WxRuntime, screen: Screen, nickname: string): Promise<void> {
  await eventually(() => screen.text().includes('Use this profile'), 'the login box');
  screen.fire('button', 'chooseavatar', phone.sim.chooseAvatar().detail);
  screen.fire('input', 'blur', { value: nickname });
  await eventually(() => screen.enabled('Use this profile'), 'the box filled in');
  screen.tap('Use this profile');
  await eventually(() => screen.text().startsWith(`Hello, ${nickname}`), 'the greeting');
}

/**
 * Three taps on "Refresh" after the token expired on the server: the requests go out with the
 * expired token, one silent re-login follows, and each is replayed once with the new token.
 */
export async function refreshThriceAfterExpiry(phone: WxRuntime, screen: Screen, expire: () => void): Promise<string[]> {
  expire();
  const sent = phone.sim.requests.length;
  for (let i = 0; i < 3; i += 1) screen.tap('Refresh');
  const me = () => phone.sim.requests.slice(sent).filter((request) => request.url.endsWith('/me'));
  await eventually(() => me().length === 6 && phone.sim.requestsInFlight() === 0, 'three refreshes, each sent twice and answered');
  return me().map((request) => request.header['Authorization'] ?? '');
}
