// Content review of what the server stores of a profile: a nickname goes through the provider's
// text check before it is stored (risky: refused; review: stored as pending), an avatar URL is
// submitted for the asynchronous image check and stays pending until the verdict is pushed
// (./message-endpoint.ts). A check the provider refuses because the person has not used the app
// lately is deferred and run again after their next login.

import type { Telemetry } from '../observability/telemetry.js';
import type { LoginProviders } from '../providers/login-providers.js';
import type { ProfileReview, ReviewResult, User, UserEventMetadata, Users } from '../users/index.js';
import { NicknameRefusedError } from './errors.js';

export interface ProfileReviewOptions {
  users: Users;
  providers: LoginProviders;
  /** Review nicknames (and, with `images`, avatars); off: stored as they come. */
  enabled: boolean;
  /** Avatars too: only when the pushed verdicts can be verified (a message token is set). */
  images: boolean;
  clock: () => number;
  logger: { warn(obj: object, msg: string): void };
  /** Each nickname verdict counted (a check that failed as `error`). */
  telemetry?: Telemetry;
}

export interface ProfileReviewer {
  readonly enabled: boolean;
  /** The review of the fields a fill-in changes; throws NicknameRefusedError for a risky nickname. */
  reviewUpdate(user: User, profile: { nickname: string; avatarUrl: string }, options?: { avatar?: boolean }): Promise<ProfileReview>;
  /** Runs the deferred checks of a user who just logged in; the user as it is afterwards. */
  runDeferred(user: User, metadata?: UserEventMetadata): Promise<User>;
}

export function createProfileReviewer(options: ProfileReviewOptions): ProfileReviewer {
  const { users, providers, enabled, images, clock, logger } = options;

  async function reviewNickname(user: User, nickname: string): Promise<ReviewResult | undefined> {
    const provider = providers.forApp(user.appId);
    if (!enabled || provider.reviewText === undefined) return undefined;
    const answer = await provider.reviewText(user.appId, user.openid, nickname).catch((error: unknown) => {
      options.telemetry?.reviewedContent('nickname', 'error');
      throw error;
    });
    if (answer.kind === 'not_visited') return { kind: 'deferred', reason: 'not_visited' };
    options.telemetry?.reviewedContent('nickname', answer.suggest);
    const trace = answer.traceId === undefined ? {} : { traceId: answer.traceId };
    switch (answer.suggest) {
      case 'pass':
        return { kind: 'passed', check: 'msg_sec_check', label: answer.label, ...trace };
      case 'review':
        return { kind: 'pending', check: 'msg_sec_check', suggest: 'review', ...trace };
      case 'risky':
        return { kind: 'refused', check: 'msg_sec_check', label: answer.label, ...trace };
    }
  }

  async function reviewAvatar(user: User, avatarUrl: string): Promise<ReviewResult | undefined> {
    const provider = providers.forApp(user.appId);
    if (!enabled || !images || provider.reviewImage === undefined) return undefined;
    const answer = await provider.reviewImage(user.appId, user.openid, avatarUrl);
    if (answer.kind === 'not_visited') return { kind: 'deferred', reason: 'not_visited' };
    return { kind: 'pending', check: 'media_check_async', traceId: answer.traceId };
  }

  return {
    enabled,

    async reviewUpdate(user, { nickname, avatarUrl }, { avatar = true } = {}) {
      const review: ProfileReview = {};
      if (nickname.trim() !== user.nickname) {
        const result = await reviewNickname(user, nickname.trim());
        if (result?.kind === 'refused') throw new NicknameRefusedError(result.label ?? 0);
        if (result) review.nickname = result;
      }
      if (avatar && avatarUrl.trim() !== user.avatarUrl) {
        const result = await reviewAvatar(user, avatarUrl.trim());
        if (result && result.kind !== 'refused') review.avatarUrl = result;
      }
      return review;
    },

    async runDeferred(user, metadata) {
      let current = user;
      for (const field of ['nickname', 'avatarUrl'] as const) {
        const value = current[field];
        const state = field === 'nickname' ? current.nicknameReview : current.avatarReview;
        if (state !== 'deferred' || value === null) continue;
        try {
          const result = field === 'nickname' ? await reviewNickname(current, value) : await reviewAvatar(current, value);
          if (result === undefined) continue;
          const handled = await users.handle({
            type: 'RecordReview',
            data: { userId: current.id, field, checked: { value }, result, now: new Date(clock()) },
            ...(metadata && { metadata }),
          });
          if (handled.user) current = handled.user;
        } catch (error) {
          // Kept deferred: the next login tries again.
          logger.warn({ userId: current.id, field, error: (error as { code?: unknown }).code ?? 'unknown' }, 'a deferred content check failed; retried after the next login');
        }
      }
      return current;
    },
  };
}
