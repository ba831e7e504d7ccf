// POST /me/phone: the getPhoneNumber button's code, exchanged through the gateway (which
// fetches the access token), bound to the user; the answer shows the number masked.

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from './current-user.js';
import * as wire from './schemas.js';
import type { RouteServices } from './services.js';
import { toUserView } from './user-view.js';

export const phoneRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.post('/me/phone', {
    schema: {
      tags: ['account'],
      summary: "Bind the phone number from the getPhoneNumber button's code",
      security: wire.authenticated,
      body: z.object({ code: wire.loginCode.describe('The getphonenumber event code') }),
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const user = await currentUser(services, request.user);
    const phone = await services.gateway.getPhoneNumber(user.appId, request.body.code);
    const updated = await services.users.bindPhone(
      user.id,
      { phone: phone.purePhoneNumber, countryCode: phone.countryCode },
      new Date(services.clock()),
      { requestId: request.id },
    );
    return { code: 1 as const, user: toUserView(updated) };
  });
};
