// Request port over a promise-style request (uni.request, Taro.request): every HTTP answer
// resolves (`ok` false outside 2xx); only a request that got no answer rejects, errno/errMsg kept.

import { fromWxFailure } from '../errors.js';
import type { Request } from '../ports.js';
import { toHttpResponse } from './http-answer.js';
import type { PromisedRequestApi } from './promised-api.js';
import { wxFailureOf } from './promised-api.js';

export function promisedRequest(api: PromisedRequestApi): Request {
  return {
    send: (request) => Promise.resolve(
      api.request({
        url: request.url,
        method: request.method,
        data: request.data as string | Record<string, unknown> | undefined,
        header: request.header || {},
        timeout: request.timeout,
        dataType: 'json',
      }),
    ).then(toHttpResponse, (reason: unknown) => {
      throw fromWxFailure('network', 'NETWORK', 'The network is unavailable; try again.', wxFailureOf(reason));
    }),
  };
}
