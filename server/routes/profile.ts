// PUT /me/profile (the avatar/nickname fill-in buttons) and POST /me/profile/wechat (the legacy
// encrypted payload, decrypted with the newest session_key kept at login; a resend with a fresh
// `code` exchanges it first, because that login may have rotated the key).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountService } from '../services/account-service.js';
import * as wire from './schemas.js';
import { toUserView } from './user-view.js';

const fillInBody = z.object({
  nickname: z.string().trim().min(1).max(64),
  // chooseAvatar gives a temporary file (http://tmp/… in the devtools, wxfile://… on a phone)
  // that the client uploads; either kind of address is accepted here.
  avatarUrl: z.string().trim().min(1).max(1024).regex(/^(https?|wxfile):\/\/\S+$/, { error: 'must be an http(s):// or wxfile:// address' }),
});

const wechatBody = z.object({
  encryptedData: wire.encryptedData,
  iv: wire.iv,
  signature: wire.signature.optional(),
  rawData: wire.rawData.optional(),
  code: wire.loginCode.optional().describe('A fresh wx.login code, when resending after a decrypt failure'),
});

export const profileRoutes: FastifyPluginAsyncZod<{ account: AccountService }> = async (app, { account }) => {
  app.put('/me/profile', {
    schema: {
      tags: ['account'],
      summary: 'Set the nickname and avatar (fill-in)',
      description: 'From the chooseAvatar button and the nickname input; the avatar is an http(s):// or wxfile:// address.',
      security: wire.authenticated,
      body: fillInBody,
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const user = await account.fillInProfile({ userId: request.user.id, requestId: request.id }, request.body);
    return { code: 1 as const, user: toUserView(user) };
  });

  app.post('/me/profile/wechat', {
    schema: {
      tags: ['account'],
      summary: "Set the profile from WeChat's legacy encrypted user-info payload",
      description: 'Decrypted with the session key kept at the latest login; after a decrypt failure, resend the same payload once with a fresh wx.login code.',
      security: wire.authenticated,
      body: wechatBody,
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const { code, ...payload } = request.body;
    const user = await account.importProfile({ userId: request.user.id, appId: request.user.appId, requestId: request.id }, payload, code);
    return { code: 1 as const, user: toUserView(user) };
  });
};
