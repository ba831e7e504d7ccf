// PUT /me/profile (the avatar/nickname fill-in buttons) and POST /me/profile/wechat (the legacy
// encrypted payload, decrypted with the newest session_key kept at login; a resend with a fresh
// `code` exchanges it first, because that login may have rotated the key).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, OpenDataError } from '../errors.js';
import { AnonymousProfileError, openLegacyPayload } from '../login/legacy-payload.js';
import type { UserRow } from '../users/index.js';
import { currentUser } from './current-user.js';
import * as wire from './schemas.js';
import type { RouteServices } from './services.js';
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

export const profileRoutes: FastifyPluginAsyncZod<{ services: RouteServices }> = async (app, { services }) => {
  app.put('/me/profile', {
    schema: {
      tags: ['account'],
      summary: 'Set the nickname and avatar (fill-in)',
      security: wire.authenticated,
      body: fillInBody,
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const { nickname, avatarUrl } = request.body;
    const user = await services.users.updateProfile(
      request.user.id,
      { nickname, avatarUrl, source: 'fill_in' },
      new Date(services.clock()),
      { requestId: request.id },
    );
    return { code: 1 as const, user: toUserView(user) };
  });

  /** The session_key to decrypt with: a fresh code's, or the newest one kept at login. */
  async function sessionKeyFor(user: UserRow, code: string | undefined): Promise<string> {
    if (code !== undefined) {
      const session = await services.gateway.code2Session(user.appId, code);
      if (session.openid !== user.openid) {
        throw new AppError({ statusCode: 403, error: 'CODE_OF_ANOTHER_USER', message: 'The login code belongs to another WeChat user.' });
      }
      await services.users.sessionKeys.save(user.appId, user.openid, session.sessionKey);
      return session.sessionKey;
    }
    const kept = await services.users.sessionKeys.get(user.appId, user.openid);
    if (kept === null) {
      throw new OpenDataError('OPEN_DATA_SESSION_KEY_MISSING', 'No session key is kept for this user; resend the payload with a fresh wx.login code.', -41001);
    }
    return kept;
  }

  app.post('/me/profile/wechat', {
    schema: {
      tags: ['account'],
      summary: "Set the profile from WeChat's legacy encrypted user-info payload",
      security: wire.authenticated,
      body: wechatBody,
      response: { 200: wire.userAnswer, ...wire.failures },
    },
  }, async (request) => {
    const { code, ...payload } = request.body;
    const user = await currentUser(services, request.user);
    const sessionKey = await sessionKeyFor(user, code);
    const profile = openLegacyPayload({ appId: user.appId, openid: user.openid, sessionKey, payload });
    if (profile === undefined) throw new AnonymousProfileError();
    const updated = await services.users.updateProfile(user.id, { ...profile, source: 'wechat' }, new Date(services.clock()), {
      requestId: request.id,
    });
    return { code: 1 as const, user: toUserView(updated) };
  });
};
