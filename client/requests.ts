// Page requests with the token attached. A "login gone" answer is reported to the machine,
// which runs one re-login for everyone and then replays or rejects each waiting request
// by id (single flight); this module only keeps the requests and sends them.

import type { LoginEvent, LoginFailure } from '../machines/index.js';
import { MiniAuthError, LOGIN_ENDED } from './errors.js';
import { authorization } from './login-actors.js';
import type { ResolvedOptions } from './options.js';
import type { HttpMethod, HttpResponse, Platform } from './ports.js';
import type { LoginSnapshot } from './view.js';

export interface RequestConfig {
  /** A path on `baseURL` (`/orders`), or an absolute URL. */
  url: string;
  method?: HttpMethod;
  data?: unknown;
  header?: Record<string, string>;
  timeout?: number;
}

interface PendingRequest {
  config: RequestConfig;
  /** Answered "login gone" once already: the next such answer is final. */
  replayed: boolean;
  resolve(response: HttpResponse): void;
  reject(error: MiniAuthError): void;
}

export interface RequestBrokerDeps {
  platform: Platform;
  options: ResolvedOptions;
  snapshot(): LoginSnapshot;
  send(event: LoginEvent): void;
}

export function createRequestBroker({ platform, options, snapshot, send }: RequestBrokerDeps) {
  const pending = new Map<string, PendingRequest>();
  let sequence = 0;

  const urlOf = (url: string) => (/^https?:\/\//.test(url) ? url : options.baseURL + url);

  function transmit(id: string, token: string | null): void {
    const entry = pending.get(id);
    if (!entry) return;
    const { config } = entry;
    platform.request.send({
      url: urlOf(config.url),
      method: config.method || 'GET',
      data: config.data,
      header: { ...config.header, ...authorization(token) },
      timeout: config.timeout || options.timeout,
    }).then((response) => {
      if (token !== null && options.isLoginGone(response)) {
        const replayed = entry.replayed;
        entry.replayed = true;
        send({ type: 'LOGIN_GONE', requestId: id, token, replayed });
        return;
      }
      pending.delete(id);
      entry.resolve(response);
      const { context } = snapshot();
      if (token !== null && token === context.token && context.relogins > 0) send({ type: 'TOKEN_ACCEPTED' });
    }, (error: MiniAuthError) => {
      pending.delete(id);
      entry.reject(error);
    });
  }

  return {
    request<T = unknown>(config: RequestConfig): Promise<HttpResponse<T>> {
      return new Promise<HttpResponse<T>>((resolve, reject) => {
        sequence += 1;
        const id = `r${sequence}`;
        const current = snapshot();
        if (current.status !== 'active') {
          reject(new MiniAuthError(LOGIN_ENDED)); // stopped: no machine left to ask
          return;
        }
        pending.set(id, { config, replayed: false, resolve: resolve as PendingRequest['resolve'], reject });
        if (current.matches('signedOut')) transmit(id, null); // public routes still work
        // The machine decides, in the state it is in when it takes the event (which may already
        // be a later one than this snapshot): sent with the token, queued for the login, or rejected.
        else send({ type: 'QUEUE_REQUEST', requestId: id });
      });
    },

    replay(ids: readonly string[], token: string | null): void {
      for (const id of ids) transmit(id, token);
    },

    reject(ids: readonly string[], failure: LoginFailure | null): void {
      for (const id of ids) {
        const entry = pending.get(id);
        if (!entry) continue;
        pending.delete(id);
        entry.reject(new MiniAuthError(failure || LOGIN_ENDED));
      }
    },
  };
}
