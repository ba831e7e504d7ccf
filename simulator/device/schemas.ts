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
