import { z } from 'zod';
import { FAULT_APIS } from '../faults.js';

/** Bodies of the device half. Strict: a misspelt field is a 400, not silently ignored. */

const appId = z.string().min(1).optional().describe('defaults to the first configured app');
const openid = z.string().min(1).max(128);

/** A session_key is base64 of exactly 16 bytes; Node's decoder would skip junk silently. */
const sessionKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{22}==$/, 'sessionKey must be base64 of 16 bytes (24 characters ending in ==)');

/** An empty POST (curl -X POST with no body) creates a user with generated ids. */
export const CreateUserBody = z.preprocess(
  (body) => body ?? {},
  z.object({
    appId,
    openid: openid.optional(),
    sameAs: z.object({ appId, openid }).strict().optional().describe('the same human as this user of another app'),
    personKey: z.string().min(1).max(128).optional().describe('users created with one key are one human'),
    unionid: z.string().min(1).max(128).nullable().optional(),
    sessionKey: sessionKey.optional(),
    nickname: z.string().max(64).optional(),
    avatarUrl: z.string().max(1024).optional(),
    phone: z.string().regex(/^\d{4,20}$/, 'phone must be digits only (the purePhoneNumber)').optional(),
    countryCode: z.union([z.string().regex(/^\d{1,4}$/), z.number().int().positive()]).optional(),
  })
  .strict(),
);

export const UserRef = z.object({ appId, openid }).strict();

/** Binds an app to an Open Platform account (null: not bound: no unionid). */
export const OpenPlatformBody = z.object({ account: z.string().min(1).max(128).nullable() }).strict();
export const AppParams = z.object({ appId: z.string().min(1) });

export const UserInfoBody = z
  .object({
    appId,
    openid,
    anonymous: z.boolean().optional().describe('answer as WeChat has since 2022-10: grey avatar, "微信用户"'),
  })
  .strict();

export const OpenidParams = z.object({ openid });

export const FaultBody = z
  .object({
    api: z.enum(FAULT_APIS),
    errcode: z.number().int().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    drop: z.boolean().optional(),
    times: z.number().int().min(1).max(1_000_000).optional(),
    status: z.number().int().min(100).max(599).optional(),
    body: z.unknown().optional(),
  })
  .strict()
  .refine(
    (fault) =>
      fault.errcode !== undefined ||
      fault.delayMs !== undefined ||
      fault.drop === true ||
      fault.status !== undefined ||
      fault.body !== undefined,
    { message: 'a fault needs at least one of errcode, delayMs, drop, status or body' },
  );

export const ClockBody = z.object({ advanceMs: z.number().int() }).strict();

export const AppQuery = z.object({ appId });

export const PhoneQuotaBody = z
  .object({
    appId,
    packages: z
      .array(
        z
          .object({
            all: z.number().int().min(0).max(100_000_000),
            used: z.number().int().min(0).optional(),
            status: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional().describe('1 active, 2 not yet, 3 expired'),
            source: z.number().int().optional().describe('1 the trial, 2 bought'),
          })
          .strict(),
      )
      .max(100),
  })
  .strict();

export const ContentReviewBody = z
  .object({
    rules: z
      .array(
        z
          .object({
            contains: z.string().min(1).max(256),
            suggest: z.enum(['pass', 'review', 'risky']),
            label: z.number().int().optional(),
            check: z.enum(['text', 'image']).optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    pushDelayMs: z.number().int().min(0).max(1_800_000).nullable().optional().describe('null holds every push until /__sim/content-review/flush'),
    endpoint: z
      .object({ appId, url: z.url({ protocol: /^https?$/ }), token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'token: 3 to 32 letters and digits') })
      .strict()
      .optional(),
  })
  .strict();
