// The console over HTTP: the page at /admin (static, under a strict CSP) and its JSON API at
// /admin/api/. Every API request but the sign-in needs the session cookie (HttpOnly,
// SameSite=Strict, Secure in production) and the session's CSRF token in `x-csrf-token`; every
// request that changes something must come from the console's own origin. Those checks run
// before the body is read, so a refused request changes nothing.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminConfig } from '../config.js';
import { notFoundHandler } from '../routes/error-answers.js';
import { failures } from '../routes/schemas.js';
import { CHART_RANGES, type ChartRange } from './charts.js';
import type { ConsoleService } from './console-service.js';
import { csrfInvalid, originRefused, signInRequired } from './errors.js';
import { csrfMatches, type OperatorSession } from './operator-sessions.js';
import { consolePage } from './page.js';
import { PHONE_DIGITS_MIN, SEARCH_KEYS } from './people.js';
import { trustedPeers } from './proxy-peers.js';

export interface ConsoleRouteOptions {
  console: ConsoleService;
  settings: AdminConfig;
  production: boolean;
  /** TRUST_PROXY: the peers whose ADMIN_PROXY_HEADER is believed. */
  trustProxy: boolean | string;
}

export const COOKIE = 'miniauth_admin';
const CSRF_HEADER = 'x-csrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const SIGN_IN_PER_MINUTE = 30;

const userId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'expected a user id (uuid)' });
const personParams = z.object({ userId });
const confirmBody = z.object({ confirm: z.string().max(64).describe("The person's user id, typed again") });
const done = z.object({ code: z.literal(1) });
const sessionAnswer = z.object({ code: z.literal(1), operator: z.string(), csrfToken: z.string(), expiresAt: z.string() });
const person = z.object({
  id: z.string(),
  appId: z.string(),
  openid: z.string(),
  unionid: z.string().nullable(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  loginCount: z.number(),
  erasedAt: z.string().nullable(),
  identities: z.string().describe('Every (app, openid) the person logs in with, as "appId openid", comma-separated'),
  mergedInto: z.string().nullable().describe('The person this one was merged into'),
});
const timelineEntry = z.object({
  position: z.number(),
  type: z.string(),
  at: z.string(),
  details: z.record(z.string(), z.unknown()),
  operator: z.string().optional(),
  errcode: z.number().optional(),
  rid: z.string().optional(),
  explanation: z.object({ reason: z.string(), message: z.string() }).optional(),
  unattributed: z.literal(true).optional(),
});
const appQuota = z.object({
  appId: z.string(),
  reading: z.object({
    all: z.number(),
    used: z.number(),
    left: z.number(),
    readAt: z.string(),
    packages: z.array(z.object({ id: z.string(), status: z.enum(['active', 'not_started', 'expired']), all: z.number(), used: z.number(), left: z.number(), endsAt: z.string() })),
  }).nullable().describe('The background job\'s latest reading; null until it has read one'),
});
const chart = z.object({ title: z.string(), series: z.array(z.object({ name: z.string(), perMinute: z.array(z.number()), total: z.number() })) });

/** The session cookie: HttpOnly, SameSite=Strict, for the console's paths only; Secure in production. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

export const consoleRoutes: FastifyPluginAsyncZod<ConsoleRouteOptions> = async (app, { console: service, settings, production, trustProxy }) => {
  const sessions = new WeakMap<FastifyRequest, { token: string; session: OperatorSession }>();
  const fromProxy = trustedPeers(trustProxy);
  const consoleHost = settings.origin === undefined ? undefined : new URL(settings.origin).host;
  const expectedOrigin = (request: FastifyRequest) => settings.origin ?? `${request.protocol}://${request.host}`;
  const cookie = (value: string, maxAge: number) => sessionCookie(value, maxAge, production);

  const signedIn = (request: FastifyRequest) => {
    const found = sessions.get(request);
    if (found === undefined) throw signInRequired();
    return found;
  };
  const callOf = (request: FastifyRequest) => ({ operator: signedIn(request).session.operator, requestId: request.id });

  app.addHook('onRequest', async (request, reply) => {
    // Served over its configured origin only: elsewhere the console is not there at all.
    // (The host only: behind a TLS proxy the request itself may be plain http.)
    if (consoleHost !== undefined && request.host !== consoleHost) {
      return notFoundHandler(request, reply);
    }
    // The route's pattern, not the raw URL: whatever encoding reached a route, this is the route.
    const path = request.routeOptions.url ?? '';
    if (!path.startsWith('/admin/api/')) return;
    reply.header('cache-control', 'no-store');
    if (!SAFE.has(request.method)) {
      const origin = request.headers.origin;
      if (origin !== expectedOrigin(request) || request.headers['sec-fetch-site'] === 'cross-site') throw originRefused();
    }
    if (path === '/admin/api/session' && request.method === 'POST') return;
    const token = cookieOf(request);
    const session = await service.session(token);
    if (token === undefined || session === null) throw signInRequired();
    sessions.set(request, { token, session });
    if (path === '/admin/api/session' && request.method === 'GET') return;
    if (!csrfMatches(session, request.headers[CSRF_HEADER] as string | undefined)) throw csrfInvalid();
  });

  const page = consolePage();
  const asset = (type: string, body: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).headers(page.headers).send(body);
  app.get('/admin', { schema: { hide: true, operationId: 'adminPage' } }, asset('text/html; charset=utf-8', page.html));
  app.get('/admin/console.js', { schema: { hide: true, operationId: 'adminScript' } }, asset('text/javascript; charset=utf-8', page.script));
  app.get('/admin/console.css', { schema: { hide: true, operationId: 'adminStyle' } }, asset('text/css; charset=utf-8', page.style));

  app.post('/admin/api/session', {
    config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } },
    schema: {
      hide: true,
      operationId: 'adminSignIn',
      body: z.object({ name: z.string().min(1).max(64).optional(), password: z.string().min(1).max(256).optional() }).nullish(),
      response: { 200: sessionAnswer, ...failures },
    },
  }, async (request, reply) => {
    const proxied = settings.proxyHeader === undefined || !fromProxy(request.socket.remoteAddress) ? undefined : request.headers[settings.proxyHeader];
    const context = { address: request.ip, requestId: request.id };
    const body = request.body ?? {};
    let opened;
    if (typeof proxied === 'string' && proxied !== '') {
      opened = await service.signIn({ kind: 'proxy', name: proxied }, context);
    } else {
      if (body.name === undefined || body.password === undefined) throw signInRequired();
      opened = await service.signIn({ kind: 'password', name: body.name, password: body.password }, context);
    }
    reply.header('set-cookie', cookie(opened.token, settings.sessionTtlSeconds));
    const { operator, csrfToken, expiresAt } = opened.session;
    return { code: 1 as const, operator, csrfToken, expiresAt: expiresAt.toISOString() };
  });

  app.get('/admin/api/session', { schema: { hide: true, operationId: 'adminSession', response: { 200: sessionAnswer, ...failures } } }, async (request) => {
    const { operator, csrfToken, expiresAt } = signedIn(request).session;
    return { code: 1 as const, operator, csrfToken, expiresAt: expiresAt.toISOString() };
  });

  app.delete('/admin/api/session', { schema: { hide: true, operationId: 'adminSignOut', response: { 200: done, ...failures } } }, async (request, reply) => {
    await service.signOut(signedIn(request).token, callOf(request));
    reply.header('set-cookie', cookie('', 0));
    return { code: 1 as const };
  });

  app.get('/admin/api/people', {
    schema: {
      hide: true,
      operationId: 'adminFindPeople',
      querystring: z.object({ key: z.enum(SEARCH_KEYS), value: z.string().trim().min(1).max(128).regex(/^[^\u0000-\u001f\u007f]+$/, { error: 'must not contain control characters' }) }).refine(
        (query) => query.key !== 'phone' || new RegExp(`^\\d{${PHONE_DIGITS_MIN},20}$`).test(query.value),
        { error: `phone: the last ${PHONE_DIGITS_MIN} or more digits`, path: ['value'] },
      ),
      response: { 200: z.object({ code: z.literal(1), people: z.array(person) }), ...failures },
    },
  }, async (request) => ({ code: 1 as const, people: await service.find(request.query.key, request.query.value) }));

  app.get('/admin/api/people/:userId', {
    schema: {
      hide: true,
      operationId: 'adminPerson',
      params: personParams,
      response: { 200: z.object({ code: z.literal(1), person, timeline: z.array(timelineEntry) }), ...failures },
    },
  }, async (request) => ({ code: 1 as const, ...(await service.person(request.params.userId)) }));

  app.get('/admin/api/charts', {
    schema: {
      hide: true,
      operationId: 'adminCharts',
      querystring: z.object({ range: z.enum(Object.keys(CHART_RANGES) as [ChartRange, ...ChartRange[]]).default('1h') }),
      response: {
        200: z.object({ code: z.literal(1), range: z.string(), from: z.string(), bucketSeconds: z.number(), buckets: z.number(), logins: chart, failures: chart, errcodes: chart, phones: chart, phoneQuota: z.array(appQuota) }),
        ...failures,
      },
    },
  }, async (request) => ({ code: 1 as const, ...(await service.charts(request.query.range)) }));

  const action = { hide: true, params: personParams, body: confirmBody };
  app.post('/admin/api/people/:userId/logout-everywhere', {
    schema: { ...action, operationId: 'adminLogOutEverywhere', response: { 200: z.object({ code: z.literal(1), person }), ...failures } },
  }, async (request) => ({ code: 1 as const, person: await service.logOutEverywhere(callOf(request), request.params.userId, request.body.confirm) }));

  app.post('/admin/api/people/:userId/erase', {
    schema: { ...action, operationId: 'adminErase', response: { 200: z.object({ code: z.literal(1), person }), ...failures } },
  }, async (request) => ({ code: 1 as const, person: await service.erase(callOf(request), request.params.userId, request.body.confirm) }));

  app.post('/admin/api/people/:userId/export', {
    schema: { ...action, operationId: 'adminExport', response: { 200: z.object({ code: z.literal(1), export: z.record(z.string(), z.unknown()) }), ...failures } },
  }, async (request) => ({
    code: 1 as const,
    export: (await service.exportPerson(callOf(request), request.params.userId, request.body.confirm)) as unknown as Record<string, unknown>,
  }));
};
