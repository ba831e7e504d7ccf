// The little of the DOM the page touches, typed here: the project's tsconfig is Node-only, and
// adding the DOM library to it would retype fetch and timers for the server's code too.

export interface Element {
  textContent: string | null;
  className: string;
  readonly classList: {
    add(...names: string[]): void;
    remove(...names: string[]): void;
    toggle(name: string, force?: boolean): boolean;
  };
  readonly dataset: Record<string, string | undefined>;
  scrollTop: number;
  scrollLeft: number;
  readonly scrollHeight: number;
  readonly clientWidth: number;
  readonly clientHeight: number;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): Element | null;
  querySelectorAll(selectors: string): Iterable<Element>;
  append(...nodes: Array<Element | string>): void;
  replaceChildren(...nodes: Array<Element | string>): void;
  addEventListener(type: string, listener: (event: { target: unknown }) => void): void;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

export interface InputElement extends Element {
  value: string;
  checked: boolean;
}

interface Document {
  getElementById(id: string): Element | null;
  createElement(tag: string): Element;
}

const browser = globalThis as unknown as { document: Document };

export function byId<T extends Element = Element>(id: string): T {
  const found = browser.document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** `<tag class="…">children</tag>`; strings become text (never parsed as HTML). */
export function element(tag: string, className: string | null, ...children: Array<Element | string>): Element {
  const made = browser.document.createElement(tag);
  if (className) made.className = className;
  made.append(...children);
  return made;
}
