// The phone's and the server's panels: the page stack, the stored token (masked), and the
// user's server events.

import type { WxPage } from '../../simulator/wx-types.js';
import { element } from './dom.js';
import type { Element } from './dom.js';

/** `{ session: 'signedIn' }` → `session.signedIn`, as the SDK's view names states. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return '';
  const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  return key === undefined ? '' : `${key}.${statePath(child)}`;
}

export function renderStack(list: Element, pages: readonly WxPage[]): void {
  list.replaceChildren(
    ...pages.map((page, index) => {
      const query = new URLSearchParams(page.options).toString();
      return element('li', index === pages.length - 1 ? 'top' : null, query ? `${page.route}?${query}` : page.route);
    }),
  );
  if (pages.length === 0) list.replaceChildren(element('li', 'muted', 'no page open'));
}

/** Enough of a token to tell two apart, never enough to use one. */
export function maskToken(token: string): string {
  return token.length <= 12 ? '…' : `${token.slice(0, 6)}…${token.slice(-4)}`;
}

function inWords(ms: number): string {
  const sign = ms < 0 ? 'ago' : '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const text = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
  return sign ? `${text} ago` : `in ${text}`;
}

export function renderToken(target: Element, stored: { token: string; expiresAt: number | null } | null, now: number): void {
  if (!stored) {
    target.textContent = 'none';
    target.className = 'muted';
    return;
  }
  target.className = '';
  const expiry = stored.expiresAt === null ? 'expiry unknown' : `expires ${inWords(stored.expiresAt - now)} by the phone's clock`;
  target.textContent = `${maskToken(stored.token)} (${stored.token.length} chars, ${expiry})`;
}

export interface ServerEvents {
  openid: string;
  userId: string | null;
  events: Array<{ position: number; type: string; at: string; data: Record<string, unknown> }>;
}

function describeData(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([field, value]) => `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

export function renderServerEvents(list: Element, answer: ServerEvents): void {
  if (answer.events.length === 0) {
    list.replaceChildren(element('li', 'muted', answer.userId ? 'no events' : 'no user on the server yet'));
    return;
  }
  list.replaceChildren(
    ...answer.events.map((event) => {
      const item = element(
        'li',
        event.type === 'LoginFailed' ? 'failed' : null,
        `#${event.position} `,
        element('span', 'type', event.type),
        ` ${event.at.slice(11, 23)} `,
        describeData(event.data),
      );
      item.dataset['type'] = event.type;
      return item;
    }),
  );
}
