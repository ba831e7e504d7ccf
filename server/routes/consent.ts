// POST /me/consent: the person's answer to the app's privacy guide (given, refused, withdrawn)
// with the version of the guide they saw, recorded as an event. GET /me/export: what is kept
// about the person, with their consent history, as JSON (never a session key).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountService } from '../services/account-service.js';
import * as wire from './schemas.js';
import { toUserView } from './user-view.js';

const consentBody = z.object({
  decision: z.enum(['given', 'refused', 'withdrawn']).describe('given: agreed to the guide; refused: declined it; withdrawn: took an earlier agreement back'),
  guideVersion: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })
    .describe("The privacy guide's version the person saw, e.g. 2025-05-01"),
});

const consentEntry = z.object({ decision: z.enum(['given', 'refused', 'withdrawn']), guideVersion: z.string(), at: z.string() });

const consentAnswer = z.object({ code: z.literal(1), consent: consentEntry.nullable(), user: wire.userView });

const exportAnswer = z.object({
  code: z.literal(1),
  export: z
    .object({
      exportedAt: z.string(),
      userId: z.string(),
      erased: z.boolean(),
      erasedAt: z.string().nullable(),
      personalData: z
        .object({
          appId: z.string(),
          openid: z.string(),
          unionid: z.string().nullable(),
          nickname: z.string().nullable(),
          avatarUrl: z.string().nullable(),
          phone: z.string().nullable().describe('In full: it is the person’s own'),
          phoneCountryCode: z.string().nullable(),
          pendingReview: z.array(z.string()),
          createdAt: z.string(),
          lastLoginAt: z.string().nullable(),
          loginCount: z.number().int(),
          identities: z.array(z.object({ appId: z.string(), openid: z.string() })).describe('Every (app, openid) the person logs in with'),
        })
        .nullable(),
      consent: z.object({ decision: z.enum(['given', 'refused', 'withdrawn']), guideVersion: z.string().nullable(), at: z.string().nullable() }).nullable(),
      consentHistory: z.array(consentEntry),
      history: z.array(z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) })),
      absorbed: z
        .array(z.object({ userId: z.string(), history: z.array(z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()) })) }))
        .describe('The history of each person merged into this one (the same human registered through another app)'),
    })
    .meta({ id: 'MiniAuthPersonalExport' }),
});

export const consentRoutes: FastifyPluginAsyncZod<{ account: AccountService }> = async (app, { account }) => {
  app.post('/me/consent', {
    schema: {
      tags: ['account'],
      summary: "Record the person's answer to the privacy guide",
      description: 'Recorded as a ConsentRecorded event with the guide version; the same answer to the same version twice is recorded once.',
      security: wire.authenticated,
      body: consentBody,
      response: { 200: consentAnswer, ...wire.failures },
    },
  }, async (request) => {
    const user = await account.recordConsent({ userId: request.user.id, requestId: request.id }, request.body);
    const consent = user.consent === null || user.consentGuideVersion === null || user.consentAt === null
      ? null
      : { decision: user.consent, guideVersion: user.consentGuideVersion, at: user.consentAt.toISOString() };
    return { code: 1 as const, consent, user: toUserView(user) };
  });

  app.get('/me/export', {
    schema: {
      tags: ['account'],
      summary: 'Everything kept about the signed-in person, with their consent history',
      description: 'The record (the phone number in full), the answers to the privacy guide over time, and the history of the account from the event log. Never a session key.',
      security: wire.authenticated,
      response: { 200: exportAnswer, ...wire.failures },
    },
  }, async (request) => ({ code: 1 as const, export: await account.exportData({ userId: request.user.id, requestId: request.id }) }));
};
