import Fastify, { type FastifyInstance } from 'fastify';
import { AccessTokens } from './access-tokens.js';
import { createClock } from './clock.js';
import { ContentReview, type Delivery, type PendingPush } from './content-review.js';
import { PhoneQuota, type QuotaLedger } from './phone-quota.js';
import type { SimulatorContext } from './context.js';
import { devicePlugin } from './device/plugin.js';
import { FaultBook, type Fault } from './faults.js';
import { UserDirectory, type RotationPolicy, type SimApp, type SimUser } from './users.js';
import type { AccessTokenRecord, TokenKind } from './access-tokens.js';
import { wechatApiPlugin } from './wechat-api/plugin.js';

export interface SimulatorOptions {
  apps: SimApp[];
  /** Time source (ms since epoch). Move time with `advance` rather than waiting. */
  clock?: () => number;
  /** When a new `wx.login` code replaces the user's session_key. Default: after 5 minutes. */
  rotation?: RotationPolicy;
  /** How long a stable token stays valid after `force_refresh` replaced it. Default 5 minutes. */
  forceRefreshGraceMs?: number;
  /** Log requests with pino (secrets, codes and tokens are cut out of logged URLs). */
  logger?: boolean;
  /** Where log lines go when `logger` is on (stdout by default). */
  logStream?: { write(line: string): void };
}

/** Read-only views for tests in the same process. */
export interface SimulatorState {
  apps(): readonly Readonly<SimApp>[];
  user(openid: string): Readonly<SimUser> | undefined;
  users(): readonly Readonly<SimUser>[];
  currentAccessToken(appId: string, kind: TokenKind): Readonly<AccessTokenRecord> | undefined;
  faults(): readonly Readonly<Fault>[];
  now(): number;
  /** The app's phone-number packages and the numbers charged. */
  phoneQuota(appId: string): Readonly<QuotaLedger>;
  /** Image verdicts not pushed yet, and what the message endpoint answered to those pushed. */
  pendingPushes(): readonly Readonly<PendingPush>[];
  deliveries(): readonly Readonly<Delivery>[];
}

export interface Simulator {
  app: FastifyInstance;
  /** Listens (port 0 by default: any free port) and resolves to the base URL. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
  state: SimulatorState;
  /** Moves simulated time forward. */
  advance(ms: number): void;
  setClock(source: () => number): void;
  now(): number;
}

export const DEFAULT_ROTATION: RotationPolicy = { afterMs: 5 * 60_000 };

const SECRET_PARAMS = /([?&](?:secret|js_code|access_token|signature|code)=)[^&]*/g;

/** A request line with the secret-bearing query values cut out. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const clock = createClock(options.clock);
  const ctx: SimulatorContext = {
    clock,
    users: new UserDirectory(options.apps, clock, options.rotation ?? DEFAULT_ROTATION),
    tokens: new AccessTokens(clock, { forceRefreshGraceMs: options.forceRefreshGraceMs ?? 5 * 60_000 }),
    faults: new FaultBook(clock),
    review: new ContentReview(clock),
    quota: new PhoneQuota(clock),
  };

  const app = Fastify({
    // Hanging calls (delay faults) must not hold `close()` open.
    forceCloseConnections: true,
    logger:
      options.logger === true
        ? {
            serializers: { req: (request) => ({ method: request.method, url: redactUrl(request.url) }) },
            ...(options.logStream === undefined ? {} : { stream: options.logStream }),
          }
        : false,
  });
  app.register(wechatApiPlugin, ctx);
  app.register(devicePlugin, ctx);
  app.addHook('onClose', async () => {
    ctx.faults.close();
    ctx.review.close();
  });

  const state: SimulatorState = {
    apps: () => ctx.users.appList(),
    user: (openid) => ctx.users.user(openid),
    users: () => ctx.users.userList(),
    currentAccessToken: (appId, kind) => ctx.tokens.currentToken(appId, kind),
    faults: () => ctx.faults.pending(),
    now: () => clock.now(),
    phoneQuota: (appId) => ctx.quota.ledger(appId),
    pendingPushes: () => ctx.review.pendingPushes(),
    deliveries: () => ctx.review.delivered,
  };

  return {
    app,
    state,
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? '127.0.0.1';
      await app.listen({ port: listenOptions.port ?? 0, host });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on TCP');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}`;
    },
    async close() {
      ctx.faults.close();
      ctx.review.close();
      await app.close();
    },
    advance: (ms) => clock.advance(ms),
    setClock: (source) => clock.setClock(source),
    now: () => clock.now(),
  };
}
