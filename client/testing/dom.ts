// A jsdom window for the Vue and React binding tests, installed as the globals the frameworks
// read. Import it before `vue` or `react-dom`: both look for `document` when they load. The
// vitest jsdom environment is not used: it would also swap AbortController and friends, which
// the real server and the simulator's fetch in this process rely on.

import { createRequire } from 'node:module';

interface DomWindow extends Record<string, unknown> {
  document: Document;
}

interface Document {
  body: { innerHTML: string; appendChild(node: unknown): unknown };
  createElement(tag: string): Element;
}

export interface Element {
  textContent: string | null;
  innerHTML: string;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
  remove(): void;
}

const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, options: { pretendToBeVisual: boolean }) => { window: DomWindow };
};
const { window } = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', { pretendToBeVisual: true });

const FROM_WINDOW = [
  'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'SVGElement', 'Text', 'Comment', 'DocumentFragment',
  'Event', 'MouseEvent', 'KeyboardEvent', 'FocusEvent', 'InputEvent', 'CustomEvent', 'MutationObserver',
  'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame',
];
const globals = globalThis as unknown as Record<string, unknown>;
globals['window'] = window;
for (const name of FROM_WINDOW) {
  const value = window[name];
  globals[name] = typeof value === 'function' && /^[a-z]/.test(name) ? value.bind(window) : value;
}

export const document = window.document;

/** A fresh element in the page body to mount into. */
export function container(): Element {
  const element = document.createElement('div');
  document.body.appendChild(element);
  return element;
}
