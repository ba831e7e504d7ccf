// A user as a client sees it: no openid, no unionid, no token version, the phone masked.

import type { User } from '../users/index.js';
import type { UserView } from './schemas.js';

/** 13800138000 → 138****8000; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  if (phone.length >= 8) return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    hasProfile: Boolean(user.nickname) && Boolean(user.avatarUrl),
    phone: user.phone === null ? null : maskPhone(user.phone),
    phoneBound: user.phone !== null,
    pendingReview: [
      ...(user.nicknameReview === null || user.nickname === null ? [] : ['nickname' as const]),
      ...(user.avatarReview === null || user.avatarUrl === null ? [] : ['avatarUrl' as const]),
    ],
    createdAt: user.createdAt.toISOString(),
  };
}
