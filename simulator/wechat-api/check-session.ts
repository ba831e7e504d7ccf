import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { sessionSignature } from '../open-data.js';
import { wechatError } from '../wechat-errors.js';
import { field } from './params.js';

/**
 * `GET /wxa/checksession?access_token&openid&signature&sig_method=hmac_sha256`: is this the
 * user's current session_key? The signature is HMAC-SHA256 keyed by the key's base64 text.
 */
export function checkSessionRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get('/wxa/checksession', { onRequest: ctx.faults.hook('checksession') }, async (request) => {
    const now = ctx.clock.now();
    const token = ctx.tokens.verify(field(request.query, 'access_token'));
    if (!token.ok) return wechatError(token.errcode, now);
    const openid = field(request.query, 'openid');
    if (openid === undefined) return wechatError(41009, now);
    const user = ctx.users.user(openid);
    if (user === undefined || user.appId !== token.value) return wechatError(40003, now);

    const signature = field(request.query, 'signature');
    const method = field(request.query, 'sig_method');
    const current = user.sessionValid && signature === sessionSignature(user.sessionKey);
    if (method !== 'hmac_sha256' || !current) return wechatError(87009, now);
    return { errcode: 0, errmsg: 'ok' };
  });
}
