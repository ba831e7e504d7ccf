// miniprogram-simulate renders components into a DOM. The vitest jsdom environment would turn
// every module of the test file into browser code (vite then rewrites `new URL(…, import.meta.url)`
// and swaps fetch's AbortController, which the real server and the simulator in this process rely
// on), so the renderer gets its own jsdom window and only the globals it reads.

import { createRequire } from 'node:module';

interface DomWindow {
  document: { createElement(tag: string): unknown };
  CustomEvent: unknown;
  TouchEvent: unknown;
}

const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => { window: DomWindow } };
const { window } = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>');
const globals = globalThis as unknown as Record<string, unknown>;

// j-component dispatches taps as `new CustomEvent(…)` on jsdom nodes: jsdom's own event classes.
Object.assign(globals, {
  window,
  document: window.document,
  CustomEvent: window.CustomEvent,
  TouchEvent: window.TouchEvent,
});

export const document = window.document;
