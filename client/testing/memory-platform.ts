// In-memory ports for the client's unit tests: a login that hands out codes, a page stack,
// toasts, and an HTTP edge that answers like the miniauth server (the contract in docs/api.md).
// Only the platform edge is replaced; the SDK and the machine run for real.

import { SimulatedClock } from 'xstate';
import { MiniAuthError } from '../errors.js';
import { memoryStorage } from '../platform/memory-storage.js';
import type { HttpRequest, HttpResponse, Platform } from '../ports.js';

export const NOW = 1_700_000_000_000;

export interface FakeServer {
  /** Tokens the API routes accept; clear it to expire everyone. */
  validTokens: Set<string>;
  /** Every request that reached the server, in order. */
  requests: HttpRequest[];
  issued: number;
  /** Answers to the next /wx/login calls, before the normal behaviour. */
  loginAnswers: Array<HttpResponse | 'drop'>;
  /** Keep answering 401 to every API route, whatever the token. */
  rejectEveryToken: boolean;
  /** Paths whose requests never get an answer (a dropped connection). */
  dropPaths: Set<string>;
  profile: { nickname: string | null; avatarUrl: string | null };
}

function answer(status: number, data: unknown): HttpResponse {
  return { ok: status >= 200 && status < 300, status, data, header: {} };
}

const gone = () => answer(401, { code: -1, error: 'TOKEN_EXPIRED', message: 'The login has expired; sign in again.' });

function route(server: FakeServer, request: HttpRequest, clock: SimulatedClock): HttpResponse | 'drop' {
  const path = request.url.replace(/^https?:\/\/[^/]+/, '');
  const token = request.header?.['Authorization']?.replace(/^Bearer /, '') ?? null;
  const user = () => ({ id: 'u1', ...server.profile, phone: null });
  if (server.dropPaths.has(path)) return 'drop';
  if (path === '/wx/login') {
    const scripted = server.loginAnswers.shift();
    if (scripted) return scripted;
    server.issued += 1;
    const issued = `t${server.issued}`;
    server.validTokens.add(issued);
    return answer(200, {
      code: 1, message: 'ok', token: issued, expiresAt: clock.now() + 86_400_000, isNew: server.issued === 1, user: user(),
    });
  }
  if (server.rejectEveryToken || token === null || !server.validTokens.has(token)) return gone();
  if (path === '/me/profile') {
    Object.assign(server.profile, request.data);
    return answer(200, { code: 1, user: user() });
  }
  if (path === '/auth/logout-all') {
    server.validTokens.clear();
    return answer(200, { code: 1 });
  }
  if (path === '/missing') return answer(404, { code: 0, error: 'ROUTE_NOT_FOUND', message: 'No route.' });
  return answer(200, { code: 1, path, token });
}

export function memoryPlatform(options: { profile?: FakeServer['profile'] } = {}) {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const server: FakeServer = {
    validTokens: new Set(), requests: [], issued: 0, loginAnswers: [], rejectEveryToken: false, dropPaths: new Set(),
    profile: options.profile ?? { nickname: 'Alice', avatarUrl: 'https://a/1.png' },
  };
  const codes: string[] = [];
  const toasts: string[] = [];
  const pages: string[] = [];
  const navigations: string[] = [];
  const storage = memoryStorage();

  const platform: Platform = {
    storage,
    clock: {
      now: () => clock.now(),
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (id) => clock.clearTimeout(id as number),
    },
    login: {
      login: async () => {
        codes.push(`code-${codes.length + 1}`);
        return { code: codes.at(-1)! };
      },
    },
    request: {
      // Answers arrive a task later, as over a network, so that requests really overlap.
      send: (request) => new Promise((resolve, reject) => {
        server.requests.push(request);
        const reply = route(server, request, clock);
        setTimeout(() => (reply === 'drop'
          ? reject(new MiniAuthError({ reason: 'network', code: 'NETWORK', message: 'offline', errMsg: 'request:fail timeout', errno: 5 }))
          : resolve(reply)), 0);
      }),
    },
    navigator: {
      redirectTo: async (url) => {
        navigations.push(`redirectTo ${url}`);
        pages.splice(pages.length - 1, 1, url);
      },
      reLaunch: async (url) => {
        navigations.push(`reLaunch ${url}`);
        pages.splice(0, pages.length, url);
      },
    },
    feedback: {
      toast: (message) => toasts.push(message),
      showLoading: () => {},
      hideLoading: () => {},
    },
  };

  const apiCalls = (path: string) => server.requests.filter((r) => r.url.endsWith(path));
  return { platform, server, clock, codes, toasts, pages, navigations, storage, apiCalls };
}

/** Lets the fake network's answers (each a task away) and the machine's reactions run. */
export async function flush(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}
