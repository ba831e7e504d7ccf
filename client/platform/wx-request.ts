// Request port over wx.request: every HTTP answer resolves (`ok` false outside 2xx);
// only a request that got no answer rejects, with WeChat's errno/errMsg kept.

import { fromWxFailure } from '../errors.js';
import type { HttpResponse, Request } from '../ports.js';
import type { WxRequestApi } from './wx-api.js';

function lowerCaseKeys(header: Record<string, string> | undefined): Record<string, string> {
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

export function wxRequest(wx: WxRequestApi): Request {
  return {
    send: (request) => new Promise<HttpResponse>((resolve, reject) => {
      wx.request({
        url: request.url,
        method: request.method,
        data: request.data as string | object | undefined,
        header: request.header || {},
        dataType: 'json',
        timeout: request.timeout,
        success: (answer) => resolve({
          ok: answer.statusCode >= 200 && answer.statusCode < 300,
          status: answer.statusCode,
          data: parseBody(answer.data),
          header: lowerCaseKeys(answer.header),
        }),
        fail: (failure) =>
          reject(fromWxFailure('network', 'NETWORK', 'The network is unavailable; try again.', failure || {})),
      });
    }),
  };
}
