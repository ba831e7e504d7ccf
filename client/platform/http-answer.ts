// What WeChat's request call hands back (wx.request's success, and uni's and Taro's promises
// over it), shaped as the Request port's answer: `ok` outside 2xx false, lower-case headers.

import type { HttpResponse } from '../ports.js';

/** The fields of a request success that the SDK reads. */
export interface RequestSuccess {
  statusCode: number;
  data?: unknown;
  header?: Record<string, unknown>;
}

function lowerCaseKeys(header: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  const given = header || {};
  for (const key of Object.keys(given)) result[key.toLowerCase()] = String(given[key]);
  return result;
}

/** WeChat parses JSON only when the answer says so; parse a JSON-looking string ourselves. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || !/^\s*[[{]/.test(data)) return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export function toHttpResponse(answer: RequestSuccess): HttpResponse {
  return {
    ok: answer.statusCode >= 200 && answer.statusCode < 300,
    status: answer.statusCode,
    data: parseBody(answer.data),
    header: lowerCaseKeys(answer.header),
  };
}
