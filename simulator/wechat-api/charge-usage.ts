import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { wechatError } from '../wechat-errors.js';
import { field } from './params.js';

/**
 * `GET /wxa/charge/usage/get?access_token&spuId&offset&limit`: the app's quota packages of one
 * product, `{ all, effectiveUse, detailList }`, a page at a time (limit at most 100).
 */
export function chargeUsageRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get('/wxa/charge/usage/get', { onRequest: ctx.faults.hook('charge_usage') }, async (request) => {
    const now = ctx.clock.now();
    const token = ctx.tokens.verify(field(request.query, 'access_token'));
    if (!token.ok) return wechatError(token.errcode, now);
    const spuId = field(request.query, 'spuId');
    const offset = Number(field(request.query, 'offset') ?? 0);
    const limit = Number(field(request.query, 'limit') ?? 20);
    if (spuId === undefined || !Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      return wechatError(47001, now);
    }
    const packages = ctx.quota.ledger(token.value).packages.filter((item) => item.spuId === spuId);
    return {
      errcode: 0,
      errmsg: 'ok',
      all: packages.reduce((sum, item) => sum + item.all, 0),
      effectiveUse: packages.reduce((sum, item) => sum + item.used, 0),
      detailList: packages.slice(offset, offset + limit).map((item) => ({ ...item })),
    };
  });
}
