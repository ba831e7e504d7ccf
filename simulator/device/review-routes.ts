import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { pushSignature } from '../content-review.js';
import type { SimulatorContext } from '../context.js';
import { deviceError } from './device-error.js';
import { AppQuery, ContentReviewBody, PhoneQuotaBody } from './schemas.js';

/**
 * What the operator sets in WeChat's console, and what a test needs to steer it: the phone-number
 * packages, the content verdicts, the message endpoint (checked with WeChat's GET echostr call
 * before it is kept) and when pushes go out.
 */
export function reviewRoutes(root: FastifyInstance, ctx: SimulatorContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  const appIdOr400 = (appId: string | undefined) => ctx.users.resolveAppId(appId);

  app.get('/__sim/phone-quota', { schema: { querystring: AppQuery } }, async (request, reply) => {
    const found = appIdOr400(request.query.appId);
    if (!found.ok) return reply.code(400).send(deviceError(found.reason, 'no such app'));
    return ctx.quota.ledger(found.value);
  });

  app.put('/__sim/phone-quota', { schema: { body: PhoneQuotaBody } }, async (request, reply) => {
    const found = appIdOr400(request.body.appId);
    if (!found.ok) return reply.code(400).send(deviceError(found.reason, 'no such app'));
    return ctx.quota.setPackages(found.value, request.body.packages);
  });

  app.get('/__sim/content-review', async () => ({
    rules: ctx.review.ruleList(),
    pushDelayMs: ctx.review.pushDelayMs,
    pending: ctx.review.pendingPushes(),
    delivered: ctx.review.delivered,
  }));

  app.put('/__sim/content-review', { schema: { body: ContentReviewBody } }, async (request, reply) => {
    const { rules, pushDelayMs, endpoint } = request.body;
    if (endpoint !== undefined) {
      const found = appIdOr400(endpoint.appId);
      if (!found.ok) return reply.code(400).send(deviceError(found.reason, 'no such app'));
      // WeChat's console keeps an endpoint only after it echoes a signed GET check.
      const echostr = randomBytes(8).toString('hex');
      const timestamp = String(Math.floor(ctx.clock.now() / 1000));
      const nonce = String(randomBytes(4).readUInt32BE());
      const query = new URLSearchParams({ signature: pushSignature(endpoint.token, timestamp, nonce), timestamp, nonce, echostr });
      const echoed = await fetch(`${endpoint.url}${endpoint.url.includes('?') ? '&' : '?'}${query}`)
        .then(async (response) => (response.ok ? (await response.text()).trim() : ''))
        .catch(() => '');
      if (echoed !== echostr) return reply.code(400).send(deviceError('ENDPOINT_CHECK_FAILED', 'the message endpoint did not echo echostr'));
      ctx.review.setEndpoint(found.value, { url: endpoint.url, token: endpoint.token });
    }
    if (rules !== undefined) ctx.review.setRules(rules);
    if (pushDelayMs !== undefined) ctx.review.pushDelayMs = pushDelayMs;
    return { rules: ctx.review.ruleList(), pushDelayMs: ctx.review.pushDelayMs, endpointChecked: endpoint !== undefined };
  });

  app.post('/__sim/content-review/flush', async () => ({ delivered: await ctx.review.flush() }));
}
