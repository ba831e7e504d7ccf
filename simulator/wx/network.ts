import { callbacksOf, deliver, failed, succeeded, type Settled } from './callbacks.js';
import type { RequestData, RequestFailResult, RequestMethod, RequestOption, RequestSuccessResult, RequestTask } from '../wx-types.js';

/**
 * `wx.request` over real HTTP (node's fetch), with WeChat's rules: success for any HTTP
 * status, `fail` only when no answer arrived; GET data becomes the query string; the Referer
 * is WeChat's and cannot be set; a per-runtime network switch (offline, timeout).
 */

export type NetworkMode = 'online' | 'offline' | 'timeout';

export interface SentRequest {
  url: string;
  method: RequestMethod;
  header: Record<string, string>;
  /** The `data` option as the page passed it. */
  data: unknown;
  at: number;
}

/** errMsg reasons and errno as the device reports them (Chromium's net error names). */
export const NETWORK_FAILURES = {
  offline: { reason: 'net::ERR_INTERNET_DISCONNECTED', errno: 600001 },
  timeout: { reason: 'timeout', errno: 5 },
  abort: { reason: 'abort', errno: 600003 },
} as const;

export const DEFAULT_TIMEOUT_MS = 60_000;

const METHODS: readonly RequestMethod[] = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

export class WxNetwork {
  mode: NetworkMode = 'online';
  readonly sent: SentRequest[] = [];
  /** Requests whose callbacks have not run yet. */
  inFlight = 0;

  constructor(
    private readonly referer: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** How long a call may take before WeChat reports `timeout`. */
  timeoutFor(option: { timeout?: number }): number {
    return option.timeout ?? this.defaultTimeoutMs;
  }

  request<T extends RequestData>(option: RequestOption<T>): RequestTask {
    const controller = new AbortController();
    let aborted = false;
    const task: RequestTask = {
      abort() {
        aborted = true;
        controller.abort();
      },
    };
    this.inFlight += 1;
    const outcome = this.perform(option, controller.signal, () => aborted);
    void outcome.then(() => {
      this.inFlight -= 1;
    });
    deliver(callbacksOf<RequestSuccessResult<T>, RequestFailResult>(option), outcome);
    return task;
  }

  private async perform<T extends RequestData>(
    option: RequestOption<T>,
    signal: AbortSignal,
    wasAborted: () => boolean,
  ): Promise<Settled<RequestSuccessResult<T>, RequestFailResult>> {
    const timeoutMs = this.timeoutFor(option);
    if (this.mode === 'offline') return failed(requestFail(NETWORK_FAILURES.offline));
    if (this.mode === 'timeout') {
      await waitOrAbort(timeoutMs, signal);
      return failed(requestFail(wasAborted() ? NETWORK_FAILURES.abort : NETWORK_FAILURES.timeout));
    }
    const method = METHODS.find((known) => known === (option.method ?? 'GET').toUpperCase());
    if (method === undefined) return failed({ errMsg: 'request:fail invalid method', errno: 600009 });
    const header = this.headerFor(option.header);
    const { url, body } = encode(option.url, method, option.data, header);
    this.sent.push({ url, method, header: { ...header }, data: option.data, at: Date.now() });

    let timedOut = false;
    const abortFetch = new AbortController();
    signal.addEventListener('abort', () => abortFetch.abort(), { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      abortFetch.abort();
    }, timeoutMs);
    try {
      const response = await fetch(url, { method, headers: header, body, signal: abortFetch.signal });
      const data = await readBody<T>(response, option);
      return succeeded({
        errMsg: 'request:ok',
        statusCode: response.status,
        header: Object.fromEntries(response.headers),
        cookies: response.headers.getSetCookie(),
        data,
      });
    } catch (error) {
      if (timedOut) return failed(requestFail(NETWORK_FAILURES.timeout));
      if (wasAborted()) return failed(requestFail(NETWORK_FAILURES.abort));
      return failed({ errMsg: `request:fail ${netError(error)}`, errno: 600001 });
    } finally {
      clearTimeout(timer);
    }
  }

  private headerFor(given: Record<string, string> | undefined): Record<string, string> {
    const header: Record<string, string> = {};
    for (const [name, value] of Object.entries(given ?? {})) {
      if (name.toLowerCase() !== 'referer') header[name] = String(value);
    }
    if (!Object.keys(header).some((name) => name.toLowerCase() === 'content-type')) {
      header['content-type'] = 'application/json';
    }
    header.Referer = this.referer;
    return header;
  }
}

function requestFail(failure: { reason: string; errno: number }): RequestFailResult {
  return { errMsg: `request:fail ${failure.reason}`, errno: failure.errno };
}

function contentType(header: Record<string, string>): string {
  const entry = Object.entries(header).find(([name]) => name.toLowerCase() === 'content-type');
  return entry?.[1].toLowerCase() ?? '';
}

function queryString(data: object): string {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
      return `${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
    })
    .join('&');
}

/** Where `data` goes: the query string for GET/HEAD, the body (JSON or form) otherwise. */
function encode(
  url: string,
  method: RequestMethod,
  data: RequestOption['data'],
  header: Record<string, string>,
): { url: string; body: string | ArrayBuffer | undefined } {
  if (data === undefined) return { url, body: undefined };
  if (method === 'GET' || method === 'HEAD') {
    const query = typeof data === 'string' ? data : data instanceof ArrayBuffer ? '' : queryString(data);
    if (query === '') return { url, body: undefined };
    return { url: `${url}${url.includes('?') ? '&' : '?'}${query}`, body: undefined };
  }
  if (typeof data === 'string' || data instanceof ArrayBuffer) return { url, body: data };
  const body = contentType(header).includes('application/x-www-form-urlencoded') ? queryString(data) : JSON.stringify(data);
  return { url, body };
}

async function readBody<T extends RequestData>(response: Response, option: RequestOption<T>): Promise<T> {
  if (option.responseType === 'arraybuffer') return asData<T>(await response.arrayBuffer());
  const text = (await response.text()).replace(/^\uFEFF/, '');
  if ((option.dataType ?? 'json') !== 'json') return asData<T>(text);
  try {
    return asData<T>(JSON.parse(text));
  } catch {
    return asData<T>(text); // WeChat hands over the raw text when it is not JSON
  }
}

/** The body as the type the page asked for: wx.request's `data` is the caller's claim. */
function asData<T extends RequestData>(value: unknown): T {
  return value as T;
}

/** Chromium's names for what went wrong, as WeChat's errMsg carries them. */
export function netError(error: unknown): string {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  if (cause instanceof Error && cause.message === 'bad port') return 'net::ERR_UNSAFE_PORT';
  switch (code) {
    case 'ECONNREFUSED':
      return 'net::ERR_CONNECTION_REFUSED';
    case 'ECONNRESET':
      return 'net::ERR_CONNECTION_RESET';
    case 'ENOTFOUND':
      return 'net::ERR_NAME_NOT_RESOLVED';
    case 'UND_ERR_SOCKET':
      return 'net::ERR_EMPTY_RESPONSE';
    default:
      return 'net::ERR_FAILED';
  }
}

function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
