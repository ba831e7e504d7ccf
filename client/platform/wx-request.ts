// Request port over wx.request: every HTTP answer resolves (`ok` false outside 2xx);
// only a request that got no answer rejects, with WeChat's errno/errMsg kept.

import { fromWxFailure } from '../errors.js';
import type { HttpResponse, Request } from '../ports.js';
import { toHttpResponse } from './http-answer.js';
import type { WxRequestApi } from './wx-api.js';

export function wxRequest(wx: WxRequestApi): Request {
  return {
    send: (request) => new Promise<HttpResponse>((resolve, reject) => {
      wx.request({
        url: request.url,
        method: request.method,
        data: request.data as string | Record<string, unknown> | undefined,
        header: request.header || {},
        dataType: 'json',
        timeout: request.timeout,
        success: (answer) => resolve(toHttpResponse(answer)),
        fail: (failure) =>
          reject(fromWxFailure('network', 'NETWORK', 'The network is unavailable; try again.', failure || {})),
      });
    }),
  };
}
