// One person's data as they have a right to see it: the record kept about them (the number in
// full: it is theirs), their answers to the privacy guide over time, and their history from the
// log. Never a session secret; an erased person's export holds no personal data, only that the
// account existed, when it was erased, and their consent history (the audit needs it).

import type { EventStore } from '../store/event-store.js';
import { absorbedInto, userStreamId, type ConsentDecision, type User } from '../users/index.js';

export interface ConsentEntry {
  decision: ConsentDecision;
  guideVersion: string;
  at: string;
}

export interface HistoryEntry {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface PersonalExport {
  exportedAt: string;
  userId: string;
  erased: boolean;
  erasedAt: string | null;
  /** Null once the person erased their account. */
  personalData: {
    appId: string;
    openid: string;
    unionid: string | null;
    nickname: string | null;
    avatarUrl: string | null;
    phone: string | null;
    phoneCountryCode: string | null;
    pendingReview: string[];
    createdAt: string;
    lastLoginAt: string | null;
    loginCount: number;
    /** Every (app, openid) the person logs in with. */
    identities: Array<{ appId: string; openid: string }>;
  } | null;
  consent: { decision: ConsentDecision; guideVersion: string | null; at: string | null } | null;
  consentHistory: ConsentEntry[];
  history: HistoryEntry[];
  /** Each person merged into this one (the same human through another app), with its history. */
  absorbed: Array<{ userId: string; history: HistoryEntry[] }>;
}

// The log holds none of these by design; an export still never shows one.
const SECRET_FIELD = /session_?key|secret|token$/i;
// After erasure the ids that name the person go too; what remains says what happened, not to whom.
const IDENTIFYING = new Set(['openid', 'unionid', 'appId', 'nickname', 'avatarUrl', 'phone', 'countryCode', 'identities']);

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

async function historyOf(store: EventStore, userId: string, erased: boolean): Promise<HistoryEntry[]> {
  const { events } = await store.readStream(userStreamId(userId));
  return events.map((event) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const kept = Object.entries(data).filter(([field]) => field !== 'userId' && !SECRET_FIELD.test(field) && !(erased && IDENTIFYING.has(field)));
    return { type: event.type, at: typeof data['at'] === 'string' ? data['at'] : event.recordedAt.toISOString(), data: Object.fromEntries(kept) };
  });
}

export async function exportPersonalData(store: EventStore, user: User, now: Date): Promise<PersonalExport> {
  const erased = user.erasedAt !== null;
  const history = await historyOf(store, user.id, erased);
  const absorbed = [];
  for (const userId of await absorbedInto(store.db, user.id)) absorbed.push({ userId, history: await historyOf(store, userId, erased) });
  const consentHistory = history
    .filter((entry) => entry.type === 'ConsentRecorded')
    .map((entry) => ({ decision: entry.data['decision'] as ConsentDecision, guideVersion: String(entry.data['guideVersion']), at: entry.at }));
  const pendingReview = [
    ...(user.nicknameReview !== null && user.nickname !== null ? ['nickname'] : []),
    ...(user.avatarReview !== null && user.avatarUrl !== null ? ['avatarUrl'] : []),
  ];
  return {
    exportedAt: now.toISOString(),
    userId: user.id,
    erased,
    erasedAt: iso(user.erasedAt),
    personalData: erased
      ? null
      : {
          appId: user.appId,
          openid: user.openid,
          unionid: user.unionid,
          nickname: user.nickname,
          avatarUrl: user.avatarUrl,
          phone: user.phone,
          phoneCountryCode: user.phoneCountryCode,
          pendingReview,
          createdAt: user.createdAt.toISOString(),
          lastLoginAt: iso(user.lastLoginAt),
          loginCount: user.loginCount,
          identities: user.identities.map(({ appId, openid }) => ({ appId, openid })),
        },
    consent: user.consent === null ? null : { decision: user.consent, guideVersion: user.consentGuideVersion, at: iso(user.consentAt) },
    consentHistory,
    history,
    absorbed,
  };
}
