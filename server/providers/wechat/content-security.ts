// WeChat's content security, v2: `msg_sec_check` judges a text at once; `media_check_async`
// takes an image URL and pushes its verdict later to the app's message endpoint, signed with
// the endpoint's token (sha1 of the sorted token, timestamp and nonce). Scene 1 is a profile.

import { createHash, timingSafeEqual } from 'node:crypto';
import { weChatUnavailable } from './errcodes.js';
import type { WeChatAnswer } from './http.js';

export type Suggest = 'pass' | 'review' | 'risky';

export interface ContentVerdict {
  suggest: Suggest;
  /** WeChat's label: 100 is normal, the others name what was found (20001 politics, …). */
  label: number;
  traceId?: string;
}

/** Scene 1: a profile (nickname, avatar). */
export const PROFILE_SCENE = 1;

const SUGGESTS = new Set<string>(['pass', 'review', 'risky']);

/** `{ suggest, label }` of a check's `result`; undefined when it is not one. */
export function verdictOf(result: unknown): Omit<ContentVerdict, 'traceId'> | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { suggest, label } = result as Record<string, unknown>;
  if (typeof suggest !== 'string' || !SUGGESTS.has(suggest)) return undefined;
  const number = typeof label === 'string' ? Number(label) : label;
  return { suggest: suggest as Suggest, label: typeof number === 'number' && Number.isFinite(number) ? number : 100 };
}

/** The answer of msg_sec_check v2. */
export function parseTextVerdict(answer: WeChatAnswer): ContentVerdict {
  const verdict = verdictOf(answer['result']);
  if (verdict === undefined) throw weChatUnavailable();
  const traceId = answer['trace_id'];
  return { ...verdict, ...(typeof traceId === 'string' && traceId !== '' ? { traceId } : {}) };
}

/** The trace id of media_check_async's answer: the push carries it back. */
export function parseMediaTrace(answer: WeChatAnswer): string {
  const traceId = answer['trace_id'];
  if (typeof traceId !== 'string' || traceId === '') throw weChatUnavailable();
  return traceId;
}

/** sha1 of the token, timestamp and nonce sorted and joined: WeChat's signature of a push. */
export function messageSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** Whether `signature` is the push's, compared in constant time. */
export function isMessageSignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  const expected = Buffer.from(messageSignature(token, timestamp, nonce), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
