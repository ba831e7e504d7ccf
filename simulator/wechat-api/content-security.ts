import type { FastifyInstance } from 'fastify';
import { VISIT_WINDOW_MS } from '../content-review.js';
import type { SimulatorContext } from '../context.js';
import type { SimUser } from '../users.js';
import { wechatError, type WechatErrorBody } from '../wechat-errors.js';
import { field, jsonBody } from './params.js';

/**
 * The v2 content security APIs: `POST /wxa/msg_sec_check` (a text, judged at once) and
 * `POST /wxa/media_check_async` (an image URL, judged later and pushed to the app's message
 * endpoint). Both need `version: 2`, a scene of 1–4 and the openid of a person who opened the
 * mini program in the last 2 hours (61010 otherwise).
 */

const TEXT_MAX = 2500;
const URL_MAX = 2048;

type Checked = { ok: true; user: SimUser; body: unknown } | { ok: false; answer: WechatErrorBody };

function read(ctx: SimulatorContext, appId: string, raw: unknown): Checked {
  const now = ctx.clock.now();
  const body = jsonBody(raw);
  if (!body.ok) return { ok: false, answer: wechatError(47001, now) };
  const version = field(body.value, 'version');
  const scene = Number(field(body.value, 'scene'));
  if (version !== '2' || !(scene >= 1 && scene <= 4)) return { ok: false, answer: wechatError(47001, now) };
  const openid = field(body.value, 'openid');
  if (openid === undefined) return { ok: false, answer: wechatError(41009, now) };
  const user = ctx.users.user(openid);
  if (user === undefined || user.appId !== appId) return { ok: false, answer: wechatError(40003, now) };
  if (user.lastVisitAt === null || now - user.lastVisitAt > VISIT_WINDOW_MS) return { ok: false, answer: wechatError(61010, now) };
  return { ok: true, user, body: body.value };
}

const traceOf = (now: number) => `${Math.floor(now / 1000).toString(16)}-${Math.random().toString(16).slice(2, 10)}`;

export function contentSecurityRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post('/wxa/msg_sec_check', { onRequest: ctx.faults.hook('msg_sec_check') }, async (request) => {
    const now = ctx.clock.now();
    const token = ctx.tokens.verify(field(request.query, 'access_token'));
    if (!token.ok) return wechatError(token.errcode, now);
    const checked = read(ctx, token.value, request.body);
    if (!checked.ok) return checked.answer;
    const content = field(checked.body, 'content');
    if (content === undefined || content.length > TEXT_MAX) return wechatError(47001, now);
    const { suggest, label } = ctx.review.verdict(content, 'text');
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: 90 }],
      trace_id: traceOf(now),
    };
  });

  app.post('/wxa/media_check_async', { onRequest: ctx.faults.hook('media_check_async') }, async (request) => {
    const now = ctx.clock.now();
    const token = ctx.tokens.verify(field(request.query, 'access_token'));
    if (!token.ok) return wechatError(token.errcode, now);
    const checked = read(ctx, token.value, request.body);
    if (!checked.ok) return checked.answer;
    const mediaUrl = field(checked.body, 'media_url');
    const mediaType = field(checked.body, 'media_type');
    if (mediaUrl === undefined || mediaUrl.length > URL_MAX || (mediaType !== '1' && mediaType !== '2')) return wechatError(47001, now);
    if (!ctx.review.admitMediaCheck(token.value)) return wechatError(45011, now);
    return { errcode: 0, errmsg: 'ok', trace_id: ctx.review.acceptMediaCheck(token.value, checked.user.openid, mediaUrl) };
  });
}
