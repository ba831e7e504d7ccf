// The shapes on the wire, in zod: validated on the way in, serialized on the way out, and
// turned into the OpenAPI document. Limits are generous for real clients and tight enough
// that nothing oversized reaches WeChat, the crypto or the log.

import { z } from 'zod';

/** Every failure: `code` -1 = login gone (log in again), 0 = any other failure. */
export const errorBody = z
  .object({
    code: z.union([z.literal(-1), z.literal(0)]),
    error: z.string().describe('Stable UPPER_SNAKE reason, e.g. TOKEN_EXPIRED, WECHAT_CODE_USED'),
    message: z.string().describe('For people'),
    retryable: z.boolean().optional(),
    retryAfterSeconds: z.number().int().optional(),
    errcode: z.number().int().optional().describe("WeChat's errcode, or the open-data SDK's -4100x"),
    rid: z.string().optional().describe("WeChat's trace id"),
    field: z.string().optional(),
  })
  .meta({ id: 'MiniAuthError' });

/** The response schemas every route shares for its failures. */
export const failures = { '4xx': errorBody, '5xx': errorBody } as const;

export const userView = z
  .object({
    id: z.string(),
    nickname: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    hasProfile: z.boolean().describe('Both nickname and avatar are known'),
    phone: z.string().nullable().describe('Masked, e.g. 138****8000'),
    phoneBound: z.boolean().describe('A number is bound: never show the phone-number button again (each number WeChat hands out is paid for)'),
    pendingReview: z
      .array(z.enum(['nickname', 'avatarUrl']))
      .describe("Fields stored but not yet through WeChat's content review (a risky verdict removes the field)"),
    createdAt: z.string().describe('ISO 8601'),
  })
  .meta({ id: 'MiniAuthUser' });

export type UserView = z.output<typeof userView>;

export const userAnswer = z.object({ code: z.literal(1), user: userView });

export const doneAnswer = z.object({ code: z.literal(1), message: z.string() });

// A wx.login code is 32 characters of [A-Za-z0-9]; leave room for other platforms' codes.
export const loginCode = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII' });

// The legacy payload: base64 fields (the crypto checks them strictly), a hex signature, and
// rawData, the userInfo JSON text.
export const encryptedData = z.string().min(1).max(16_384);
export const iv = z.string().min(1).max(64);
export const signature = z.string().min(1).max(128);
export const rawData = z.string().min(1).max(8_192);

// WeChat's appids are wx followed by 16 letters and digits; other login providers name theirs otherwise.
export const appId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/, { error: 'must be an app id such as wx1234567890abcdef' });

/** Authenticated routes: Bearer, or the `token` header of older clients. */
export const authenticated: Array<Record<string, string[]>> = [{ bearer: [] }, { tokenHeader: [] }];
