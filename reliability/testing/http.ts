// Real HTTP to a server (process or in-process app listening on a port), each answer kept by
// the leak watch, with the time it took.

import type { LeakWatch } from './leak-watch.js';

export interface Answer {
  status: number;
  /** The JSON body, or undefined when the body was not JSON. */
  body: Record<string, unknown> | undefined;
  text: string;
  headers: Headers;
  ms: number;
}

/** The transport failed (connection refused or reset, the process died): no answer at all. */
export interface NoAnswer {
  status: 0;
  error: string;
  ms: number;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Abort after this long (default 60 s): an answer that comes is an answer, however late. The
   * slowest of 1,000 logins took 9 s at load 11; a minute is for a request that never ends.
   */
  timeoutMs?: number;
}

export async function call(watch: LeakWatch | undefined, base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer | NoAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    watch?.answer(response.status, response.headers, text);
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text, headers: response.headers, ms: performance.now() - started };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code ?? error.name : String(error);
    return { status: 0, error: String(cause), ms: performance.now() - started };
  }
}

export const isAnswer = (result: Answer | NoAnswer): result is Answer => result.status !== 0;

/** POST /wx/login with a wx.login code. */
export function login(watch: LeakWatch | undefined, base: string, code: string, headers: Record<string, string> = {}): Promise<Answer | NoAnswer> {
  return call(watch, base, 'POST', '/wx/login', { body: { code }, headers });
}

/** The error contract: `{ code: -1 | 0, error: UPPER_SNAKE, message }`. */
export function isTypedError(body: Record<string, unknown> | undefined): boolean {
  return (
    body !== undefined &&
    (body['code'] === 0 || body['code'] === -1) &&
    typeof body['error'] === 'string' && /^[A-Z][A-Z0-9_]*$/.test(body['error']) &&
    typeof body['message'] === 'string' && body['message'] !== ''
  );
}

/** Runs `work` over `items` with at most `concurrency` at a time; results in item order. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** A figure for docs/reliability.md, printed where `npm run test:reliability` shows it. */
export function reportFigure(name: string, value: number | string, unit = ''): void {
  const shown = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : value;
  console.log(`[reliability] ${name}: ${shown}${unit ? ` ${unit}` : ''}`);
}
