// One call to WeChat's server API through a WeChatTransport (./transport.ts: node:http
// keep-alive agents, a deadline for the whole exchange), turned into either the parsed JSON
// answer or a typed WeChatError. The URL carries the app secret or the access token in its
// query, so it is never logged and never put into an error.

import { NO_TELEMETRY, type Telemetry } from '../../observability/telemetry.js';
import { inSpan } from '../../observability/tracing.js';
import { weChatErrorFor, weChatTimeout, weChatUnavailable, type WeChatApi } from './errcodes.js';
import type { WeChatTransport } from './transport.js';

export interface WeChatLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WeChatRequest {
  api: WeChatApi;
  appId: string;
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** errcodes that are answers rather than failures (87009 "invalid signature" for checksession). */
  expectedErrcodes?: readonly number[];
}

export type WeChatAnswer = Record<string, unknown>;

export interface WeChatHttpOptions {
  apiBase: string;
  timeoutMs: number;
  transport: WeChatTransport;
  logger: WeChatLogger;
  clock: () => number;
  /** Each call counted by API and result, with its duration. */
  telemetry?: Telemetry;
}

export type CallWeChat = (request: WeChatRequest) => Promise<WeChatAnswer>;

function errcodeOf(answer: WeChatAnswer): number {
  const value = answer['errcode'];
  const errcode = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof errcode === 'number' && Number.isFinite(errcode) ? errcode : 0;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** What a failed exchange is logged as: node's error code or the error's name, never its message (it may quote the URL). */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : error.name;
}

export function createWeChatHttp(options: WeChatHttpOptions): CallWeChat {
  const base = options.apiBase.replace(/\/+$/, '');
  const { logger } = options;
  const telemetry = options.telemetry ?? NO_TELEMETRY;

  // Counted and traced by result: '0', the errcode, or how the exchange failed.
  return function callWeChat(request) {
    const started = performance.now();
    return inSpan(`wechat ${request.api}`, { 'wechat.api': request.api, 'wechat.appid': request.appId }, (span) =>
      call(request, started).then(
        (answer) => {
          telemetry.calledWeChat(request.api, '0', (performance.now() - started) / 1000);
          span.setAttribute('wechat.errcode', 0);
          return answer;
        },
        (error: unknown) => {
          const { errcode, rid, code } = error as { errcode?: unknown; rid?: unknown; code?: unknown };
          const result = typeof errcode === 'number' ? String(errcode) : code === 'WECHAT_TIMEOUT' ? 'timeout' : 'unavailable';
          telemetry.calledWeChat(request.api, result, (performance.now() - started) / 1000);
          if (typeof errcode === 'number') span.setAttribute('wechat.errcode', errcode);
          if (typeof rid === 'string') span.setAttribute('wechat.rid', rid);
          throw error;
        },
      ));
  };

  async function call(request: WeChatRequest, started: number): Promise<WeChatAnswer> {
    const { api, appId } = request;
    const url = `${base}${request.path}?${new URLSearchParams(request.query).toString()}`;
    const elapsed = () => Math.round(performance.now() - started);

    let status: number;
    let text: string;
    try {
      ({ status, text } = await options.transport({
        method: request.method,
        url,
        timeoutMs: options.timeoutMs,
        ...(request.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body) }),
      }));
    } catch (error) {
      const timedOut = isTimeout(error);
      logger.warn({ api, appId, ms: elapsed(), reason: timedOut ? 'timeout' : failureReason(error) }, 'WeChat call failed');
      throw timedOut ? weChatTimeout() : weChatUnavailable();
    }

    let answer: unknown;
    try {
      answer = status >= 200 && status < 300 ? JSON.parse(text) : undefined;
    } catch {
      answer = undefined;
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      logger.warn({ api, appId, ms: elapsed(), status, reason: status >= 200 && status < 300 ? 'not JSON' : 'HTTP status' }, 'WeChat answered garbage');
      throw weChatUnavailable();
    }

    const body = answer as WeChatAnswer;
    const errcode = errcodeOf(body);
    if (errcode !== 0 && !request.expectedErrcodes?.includes(errcode)) {
      const error = weChatErrorFor(api, errcode, body['errmsg'], options.clock());
      const fields = { api, appId, ms: elapsed(), errcode, rid: error.rid, errmsg: typeof body['errmsg'] === 'string' ? body['errmsg'] : undefined };
      if (error.code === 'WECHAT_MISCONFIGURED') logger.error(fields, 'WeChat refused our configuration');
      else logger.warn(fields, 'WeChat answered an error');
      throw error;
    }
    logger.debug({ api, appId, ms: elapsed() }, 'WeChat call');
    return body;
  }
}
