// The app's message endpoint: where WeChat pushes the verdicts of asynchronous content checks.
// WeChat first proves the endpoint with a GET that must echo `echostr`; every call carries
// signature = sha1(sort([token, timestamp, nonce]).join('')) in its query. A call that is
// unsigned, wrongly signed, too old or seen before changes nothing; a verdict applies to the
// avatar still awaiting that check only (a risky one removes it).

import type { Telemetry } from '../observability/telemetry.js';
import { isMessageSignature, verdictOf } from '../providers/wechat/index.js';
import type { Queryable } from '../store/database.js';
import type { ReviewResult, User, Users } from '../users/index.js';
import { MessageRefusedError } from './errors.js';

export interface SignedQuery {
  signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
}

export interface MessageEndpointOptions {
  users: Users;
  db: Queryable;
  /** The token set in WeChat's console; undefined: the endpoint is off. */
  token: string | undefined;
  appIds: readonly string[];
  clock: () => number;
  /** Told of each user a verdict changed. */
  wrote: (user: User) => Promise<unknown>;
  logger: { info(obj: object, msg: string): void };
  /** Each avatar verdict counted. */
  telemetry?: Telemetry;
}

export interface MessageEndpoint {
  /** WeChat's check of the endpoint: the echostr, once the signature verifies. */
  echo(query: SignedQuery & { echostr?: string | undefined }): Promise<string>;
  /** A pushed message: applied once, when signed and new. */
  receive(query: SignedQuery, body: unknown): Promise<void>;
}

/** How far a push's timestamp may be from our clock (WeChat retries a push within seconds). */
export const MESSAGE_MAX_AGE_SECONDS = 300;
const PURGE_EVERY_MS = 60_000;

export function createMessageEndpoint(options: MessageEndpointOptions): MessageEndpoint {
  const { users, db, token, clock } = options;
  let purgedAt = 0;

  function verify(query: SignedQuery): { timestamp: string; nonce: string; signature: string } {
    if (token === undefined) throw new MessageRefusedError('MESSAGE_ENDPOINT_OFF');
    const { signature, timestamp, nonce } = query;
    if (!signature || !timestamp || !nonce) throw new MessageRefusedError('MESSAGE_UNSIGNED');
    if (!isMessageSignature(token, timestamp, nonce, signature)) throw new MessageRefusedError('MESSAGE_SIGNATURE_INVALID');
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(clock() / 1000 - seconds) <= MESSAGE_MAX_AGE_SECONDS)) throw new MessageRefusedError('MESSAGE_STALE');
    return { timestamp, nonce, signature };
  }

  /** Keeps the push's nonce; false when it was kept already (a replay, on any process). */
  async function firstTime(timestamp: string, nonce: string): Promise<boolean> {
    const now = clock();
    if (now - purgedAt >= PURGE_EVERY_MS) {
      purgedAt = now;
      await db.query('DELETE FROM message_nonces WHERE received_at < $1::timestamptz', [new Date(now - 2 * MESSAGE_MAX_AGE_SECONDS * 1000).toISOString()]);
    }
    const { rows } = await db.query(
      'INSERT INTO message_nonces (nonce, received_at) VALUES ($1, $2::timestamptz) ON CONFLICT (nonce) DO NOTHING RETURNING nonce',
      [`${timestamp}:${nonce}`, new Date(now).toISOString()],
    );
    return rows.length === 1;
  }

  function mediaVerdict(body: unknown): { appId: string; traceId: string; result: ReviewResult } | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MessageRefusedError('MESSAGE_MALFORMED');
    const message = body as Record<string, unknown>;
    if (message['Event'] !== 'wxa_media_check') return undefined; // another event: nothing of ours
    const traceId = message['trace_id'];
    const appId = message['appid'];
    const verdict = verdictOf(message['result']);
    if (typeof traceId !== 'string' || traceId === '' || traceId.length > 128 || typeof appId !== 'string' || verdict === undefined) {
      throw new MessageRefusedError('MESSAGE_MALFORMED');
    }
    const check = 'media_check_async' as const;
    const result: ReviewResult =
      verdict.suggest === 'pass'
        ? { kind: 'passed', check, traceId, label: verdict.label }
        : verdict.suggest === 'risky'
          ? { kind: 'refused', check, traceId, label: verdict.label }
          : { kind: 'pending', check, traceId, suggest: 'review' };
    return { appId, traceId, result };
  }

  return {
    async echo(query) {
      verify(query);
      if (!query.echostr) throw new MessageRefusedError('MESSAGE_MALFORMED');
      return query.echostr;
    },

    async receive(query, body) {
      const { timestamp, nonce } = verify(query);
      const verdict = mediaVerdict(body);
      if (!(await firstTime(timestamp, nonce))) throw new MessageRefusedError('MESSAGE_REPLAYED');
      if (verdict === undefined || !options.appIds.includes(verdict.appId)) return;
      options.telemetry?.reviewedContent('avatar', verdict.result.kind === 'passed' ? 'pass' : verdict.result.kind === 'refused' ? 'risky' : 'review');
      const user = await users.findByAvatarTrace(verdict.traceId);
      if (user === null || user.appId !== verdict.appId) {
        options.logger.info({ traceId: verdict.traceId }, 'a content verdict for an avatar replaced since: ignored');
        return;
      }
      const handled = await users.handle({
        type: 'RecordReview',
        data: { userId: user.id, field: 'avatarUrl', checked: { traceId: verdict.traceId }, result: verdict.result, now: new Date(clock()) },
      });
      if (handled.user && handled.events.length > 0) await options.wrote(handled.user);
      options.logger.info({ userId: user.id, traceId: verdict.traceId, verdict: verdict.result.kind }, 'avatar content verdict');
    },
  };
}
