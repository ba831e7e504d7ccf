import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { wechatError } from '../wechat-errors.js';
import { accessTokenRoutes } from './access-token.js';
import { chargeUsageRoutes } from './charge-usage.js';
import { checkSessionRoutes } from './check-session.js';
import { contentSecurityRoutes } from './content-security.js';
import { code2SessionRoutes } from './code2session.js';
import { phoneNumberRoutes } from './phone-number.js';

/**
 * WeChat's server API at the root of the base URL. Encapsulated so its body handling (raw
 * text, parsed by each route as WeChat would) does not leak into the device half.
 */
export async function wechatApiPlugin(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  // Nothing inside answers a 5xx of its own: WeChat reports trouble as errcode -1.
  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'simulator: WeChat API route failed');
    return reply.code(200).send(wechatError(-1, ctx.clock.now()));
  });

  code2SessionRoutes(app, ctx);
  accessTokenRoutes(app, ctx);
  phoneNumberRoutes(app, ctx);
  checkSessionRoutes(app, ctx);
  contentSecurityRoutes(app, ctx);
  chargeUsageRoutes(app, ctx);
}
