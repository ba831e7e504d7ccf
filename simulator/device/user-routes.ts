import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SimulatorContext } from '../context.js';
import { NO_QUOTA_ERRNO, NO_QUOTA_REASON } from '../phone-quota.js';
import type { Lookup, SimUser } from '../users.js';
import { lookupError } from './device-error.js';
import { AppParams, CreateUserBody, OpenidParams, OpenPlatformBody, UserInfoBody, UserRef } from './schemas.js';
import { userInfoPayload } from './user-info.js';

/**
 * What a phone does: create or pin a user, `wx.login`, the user-info and phone-number
 * dialogs. Test tooling, so it may show a session_key; WeChat's own half never does.
 */
export function userRoutes(root: FastifyInstance, ctx: SimulatorContext): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  /** Sends the lookup failure, or hands the user on. */
  function withUser(found: Lookup<SimUser>, reply: FastifyReply, use: (user: SimUser) => unknown): unknown {
    if (found.ok) return use(found.value);
    const failure = lookupError(found.reason);
    return reply.code(failure.status).send(failure.body);
  }

  app.post('/__sim/users', { schema: { body: CreateUserBody } }, async (request, reply) =>
    withUser(ctx.users.upsert(request.body), reply, (user) => ({
      openid: user.openid,
      unionid: user.unionid,
      sessionKey: user.sessionKey,
    })),
  );

  // Binding an app late: unionid starts appearing for the users it already had.
  app.put('/__sim/apps/:appId/open-platform', { schema: { params: AppParams, body: OpenPlatformBody } }, async (request, reply) => {
    const bound = ctx.users.bindOpenPlatform(request.params.appId, request.body.account);
    if (!bound.ok) return reply.code(lookupError(bound.reason).status).send(lookupError(bound.reason).body);
    return { appId: bound.value.appId, openPlatform: bound.value.openPlatform ?? null };
  });

  app.get('/__sim/users/:openid', { schema: { params: OpenidParams } }, async (request, reply) =>
    withUser(ctx.users.findUser(undefined, request.params.openid), reply, (user) => ({
      appId: user.appId,
      openid: user.openid,
      unionid: user.unionid,
      sessionKey: user.sessionKey,
      sessionValid: user.sessionValid,
      nickname: user.nickname,
      avatarUrl: user.avatarUrl,
      phone: user.phone,
    })),
  );

  app.delete('/__sim/users/:openid/session', { schema: { params: OpenidParams } }, async (request, reply) =>
    withUser(ctx.users.findUser(undefined, request.params.openid), reply, (user) => {
      ctx.users.expireSession(user);
      return { sessionValid: false };
    }),
  );

  app.post(
    '/__sim/login',
    { schema: { body: UserRef }, onRequest: ctx.faults.hook('login') },
    async (request, reply) =>
      withUser(ctx.users.findUser(request.body.appId, request.body.openid), reply, (user) => ({
        code: ctx.users.issueLoginCode(user),
      })),
  );

  app.post('/__sim/check-session', { schema: { body: UserRef } }, async (request, reply) =>
    withUser(ctx.users.findUser(request.body.appId, request.body.openid), reply, (user) => ({
      valid: user.sessionValid,
    })),
  );

  app.post('/__sim/user-info', { schema: { body: UserInfoBody } }, async (request, reply) =>
    withUser(ctx.users.findUser(request.body.appId, request.body.openid), reply, (user) =>
      userInfoPayload(user, ctx.clock.now(), request.body.anonymous),
    ),
  );

  // The button's success callback is what WeChat charges for; with the quota spent it fails instead.
  app.post('/__sim/phone-code', { schema: { body: UserRef } }, async (request, reply) =>
    withUser(ctx.users.findUser(request.body.appId, request.body.openid), reply, (user) => {
      if (!ctx.quota.charge(user.appId)) {
        return { errcode: NO_QUOTA_ERRNO, errno: NO_QUOTA_ERRNO, errmsg: `getPhoneNumber:fail ${NO_QUOTA_REASON}` };
      }
      return { code: ctx.users.issuePhoneCode(user) };
    }),
  );
}
