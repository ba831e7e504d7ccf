import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { wechatError, type WechatErrorBody } from '../wechat-errors.js';
import { field, flag, jsonBody } from './params.js';

/** `GET /cgi-bin/token` and `POST /cgi-bin/stable_token`. */
export function accessTokenRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  /** The checks both endpoints share, in WeChat's order. */
  function credentialError(source: unknown): WechatErrorBody | undefined {
    const now = ctx.clock.now();
    const grantType = field(source, 'grant_type');
    const appId = field(source, 'appid');
    const secret = field(source, 'secret');
    if (grantType !== 'client_credential') return wechatError(40002, now);
    if (appId === undefined) return wechatError(41002, now);
    if (secret === undefined) return wechatError(41004, now);
    const known = ctx.users.app(appId);
    if (known === undefined) return wechatError(40013, now);
    if (known.secret !== secret) return wechatError(40125, now);
    return undefined;
  }

  app.get('/cgi-bin/token', { onRequest: ctx.faults.hook('token') }, async (request) => {
    const error = credentialError(request.query);
    if (error !== undefined) return error;
    return ctx.tokens.issuePlain(field(request.query, 'appid') ?? '');
  });

  const onStable = ctx.faults.hook('stable_token');

  app.post('/cgi-bin/stable_token', { onRequest: onStable }, async (request) => {
    const body = jsonBody(request.body);
    if (!body.ok) return wechatError(47001, ctx.clock.now());
    const error = credentialError(body.value);
    if (error !== undefined) return error;
    const issued = ctx.tokens.stable(field(body.value, 'appid') ?? '', flag(body.value, 'force_refresh'));
    return issued.ok ? issued.value : wechatError(issued.errcode, ctx.clock.now());
  });

  app.get('/cgi-bin/stable_token', { onRequest: onStable }, async () => wechatError(43002, ctx.clock.now()));
}
