// The baseline of the login figure: the writes one login makes (server/login/login-service.ts
// and the users handler), written by hand as ONE transaction with no HTTP, no WeChat call, no
// reads and no token: claim the code, keep the session_key, (first login) create the personal
// data key, append the events, upsert the users row, complete the claim. The same mix of new
// and returning users as the end-to-end figure.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../server/store/database.js';
import { NEW_USER_SHARE } from './login-codes.js';

interface KnownUser {
  openid: string;
  userId: string;
  streamId: string;
  version: number;
  loginCount: number;
  createdAt: string;
}

const APP_ID = 'wx00000000000000ra';
const CODE_LIFETIME_MS = 5 * 60_000;

// Event data shaped like the real ones: unionid sealed in a box, the rest in the clear.
function sealedBox(): { key: string; iv: string; box: string } {
  return { key: randomUUID(), iv: randomBytes(12).toString('base64'), box: randomBytes(64).toString('base64') };
}

/** One login as a raw transaction; `worker` keeps its own users so that no two workers race on a stream. */
export type RawLogin = (worker: number) => Promise<void>;

export function rawLogins(db: Database, workers: number, newShare = NEW_USER_SHARE): RawLogin {
  const known: KnownUser[][] = Array.from({ length: workers }, () => []);
  const busy: Set<string>[] = Array.from({ length: workers }, () => new Set());

  return async (worker) => {
    const users = known[worker]!;
    const candidate = users.length > 0 && Math.random() >= newShare ? users[Math.floor(Math.random() * users.length)]! : undefined;
    // A worker runs one login at a time, but stay safe if that ever changes.
    const returning = candidate && !busy[worker]!.has(candidate.userId) ? candidate : undefined;
    const now = new Date();
    const at = now.toISOString();
    const openid = returning?.openid ?? `o${randomBytes(14).toString('base64url')}`;
    const userId = returning?.userId ?? randomUUID();
    const streamId = returning?.streamId ?? `user-${userId}`;
    const version = returning?.version ?? 0;
    const codeHash = createHash('sha256').update(randomBytes(16)).digest('base64url');
    const metadata = JSON.stringify({ requestId: randomUUID() });
    const events = returning
      ? [{ type: 'UserLoggedIn', data: { userId, at } }]
      : [
          { type: 'UserRegistered', data: { userId, appId: APP_ID, openid, at, sealed: sealedBox() } },
          { type: 'UserLoggedIn', data: { userId, at } },
        ];
    const loginCount = (returning?.loginCount ?? 0) + 1;
    const createdAt = returning?.createdAt ?? at;

    busy[worker]!.add(userId);
    try {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO login_codes (app_id, code_hash, expires_at) VALUES ($1, $2, $3)', [
          APP_ID, codeHash, new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
        ]);
        await tx.query(
          `INSERT INTO session_keys (app_id, openid, session_key, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (app_id, openid) DO UPDATE SET session_key = excluded.session_key, updated_at = excluded.updated_at`,
          [APP_ID, openid, randomBytes(16).toString('base64')],
        );
        if (!returning) {
          await tx.query('INSERT INTO personal_data_keys (key_id, subject, secret) VALUES ($1, $2, $3)', [
            randomUUID(), streamId, randomBytes(32),
          ]);
        }
        await tx.query(
          `INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
           SELECT gen_random_uuid(), $1, $2 + e.ordinal, e.type, e.data, $5::jsonb
           FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS e(type, data, ordinal)`,
          [streamId, version, events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), metadata],
        );
        await tx.query(
          `INSERT INTO users (id, app_id, openid, token_version, created_at, last_login_at, login_count, stream_version)
           VALUES ($1, $2, $3, 0, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET last_login_at = excluded.last_login_at, login_count = excluded.login_count,
             stream_version = excluded.stream_version`,
          [userId, APP_ID, openid, createdAt, at, loginCount, version + events.length],
        );
        await tx.query('UPDATE login_codes SET user_id = $3, is_new = $4, token_version = 0 WHERE app_id = $1 AND code_hash = $2', [
          APP_ID, codeHash, userId, !returning,
        ]);
      });
    } finally {
      busy[worker]!.delete(userId);
    }
    if (returning) {
      returning.version += events.length;
      returning.loginCount = loginCount;
    } else {
      users.push({ openid, userId, streamId, version: events.length, loginCount, createdAt });
    }
  };
}

/** Runs `workers` loops of raw logins for `ms`; returns how many, and how many per second. */
export async function rawLoginPhase(login: RawLogin, workers: number, ms: number): Promise<{ logins: number; perSecond: number }> {
  const start = performance.now();
  const until = start + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < until) {
        await login(worker);
        done += 1;
      }
    }),
  );
  return { logins: done, perSecond: done / ((performance.now() - start) / 1000) };
}
