import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { wechatError, type WechatErrorBody } from '../wechat-errors.js';
import { field } from './params.js';

interface Code2SessionAnswer {
  session_key: string;
  openid: string;
  unionid?: string;
}

/**
 * `GET /sns/jscode2session`: a `wx.login` code for the user's openid and session_key.
 * A success carries no errcode; WeChat labels its answers `text/plain`, so a backend must
 * not rely on the content-type to parse them.
 */
export function code2SessionRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const onRequest = ctx.faults.hook('jscode2session');

  app.get('/sns/jscode2session', { onRequest }, async (request, reply) => {
    const answer = exchange(request.query);
    return reply.type('text/plain').send(JSON.stringify(answer));
  });

  function exchange(query: unknown): Code2SessionAnswer | WechatErrorBody {
    const now = ctx.clock.now();
    const appId = field(query, 'appid');
    const secret = field(query, 'secret');
    const code = field(query, 'js_code');
    const grantType = field(query, 'grant_type');
    if (appId === undefined) return wechatError(41002, now);
    if (secret === undefined) return wechatError(41004, now);
    if (code === undefined) return wechatError(41008, now);
    if (grantType !== undefined && grantType !== 'authorization_code') return wechatError(40002, now);
    const known = ctx.users.app(appId);
    if (known === undefined) return wechatError(40013, now);
    if (known.secret !== secret) return wechatError(40125, now);

    const exchanged = ctx.users.exchangeLoginCode(appId, code);
    if (!exchanged.ok) return wechatError(exchanged.errcode, now);
    const user = exchanged.value;
    return {
      session_key: user.sessionKey,
      openid: user.openid,
      ...(user.unionid === null ? {} : { unionid: user.unionid }),
    };
  }

  // WeChat reads only the query string; a POST (parameters in the body) finds no appid.
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/sns/jscode2session',
    onRequest,
    handler: async () => wechatError(41002, ctx.clock.now()),
  });
}
