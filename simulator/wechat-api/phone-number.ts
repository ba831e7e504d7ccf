import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { wechatError } from '../wechat-errors.js';
import { field, jsonBody } from './params.js';

/**
 * `POST /wxa/business/getuserphonenumber?access_token=…` with `{ code }` in a JSON body.
 * A code sent in the query is not read at all, which WeChat reports as 40029.
 */
export function phoneNumberRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const onRequest = ctx.faults.hook('getuserphonenumber');

  app.post('/wxa/business/getuserphonenumber', { onRequest }, async (request) => {
    const now = ctx.clock.now();
    const token = ctx.tokens.verify(field(request.query, 'access_token'));
    if (!token.ok) return wechatError(token.errcode, now);
    const body = jsonBody(request.body);
    if (!body.ok) return wechatError(47001, now);
    const code = field(body.value, 'code');
    if (code === undefined) return wechatError(40029, now);

    const redeemed = ctx.users.redeemPhoneCode(token.value, code);
    if (!redeemed.ok) return wechatError(redeemed.errcode, now);
    const { phone } = redeemed.value;
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: displayNumber(phone.purePhoneNumber, phone.countryCode),
        purePhoneNumber: phone.purePhoneNumber,
        countryCode: phone.countryCode,
        watermark: { timestamp: Math.floor(now / 1000), appid: token.value },
      },
    };
  });

  app.get('/wxa/business/getuserphonenumber', { onRequest }, async () => wechatError(43002, ctx.clock.now()));
}

/** WeChat's `phoneNumber` carries the country code only for numbers outside mainland China. */
function displayNumber(pure: string, countryCode: string | number): string {
  return String(countryCode) === '86' ? pure : `+${countryCode} ${pure}`;
}
