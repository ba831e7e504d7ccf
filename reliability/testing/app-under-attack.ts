// The app built by buildApp (server/testing/app-harness.ts: the simulator, a PostgreSQL schema,
// debug logs captured) listening on a loopback port, for hostile input over real HTTP: what
// every answer looks like, and whether anything was written.

import { pgTarget } from '../../testing/databases.js';
import { APP, JWT_SECRET, startHarness, type AppHarness, type HarnessOptions } from '../../server/testing/app-harness.js';
import { call, isAnswer, type Answer, type CallOptions, type NoAnswer } from './http.js';
import { LeakWatch, type Leak } from './leak-watch.js';

export interface AppUnderAttack {
  h: AppHarness;
  base: string;
  watch: LeakWatch;
  send(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A fresh user logged in over HTTP: the token and who it is. */
  signedIn(): Promise<{ openid: string; token: string; userId: string }>;
  /**
   * What the database holds that an input could have changed. Failed logins and phone codes
   * WeChat refused are meant to be kept: their events are left out, and so is the users row's
   * stream version, which a kept event moves.
   */
  written(): Promise<string>;
  leaks(): Promise<Leak[]>;
  close(): Promise<void>;
}

/** The message endpoint's token: WeChat's pushes are signed with it, so it is a secret too. */
export const MESSAGE_TOKEN = 'attackMessageToken2025';

export async function startAppUnderAttack(options: HarnessOptions = {}): Promise<AppUnderAttack> {
  const h = await startHarness(pgTarget, { ...options, env: { WECHAT_MESSAGE_TOKEN: MESSAGE_TOKEN, ...options.env } });
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  const watch = new LeakWatch();
  watch.secret(APP.secret, 'the app secret');
  watch.secret(JWT_SECRET, 'the JWT secret');
  watch.secret(MESSAGE_TOKEN, 'the message token');

  async function send(method: string, path: string, callOptions: CallOptions = {}): Promise<Answer> {
    const answer: Answer | NoAnswer = await call(watch, base, method, path, callOptions);
    if (!isAnswer(answer)) throw new Error(`${method} ${path}: no answer (${answer.error})`);
    return answer;
  }

  return {
    h,
    base,
    watch,
    send,
    async signedIn() {
      const { openid, code } = await h.newUser();
      const answer = await send('POST', '/wx/login', { body: { code } });
      if (answer.status !== 200) throw new Error(`login refused: ${answer.text}`);
      return { openid, token: String(answer.body?.['token']), userId: String((answer.body?.['user'] as { id: string }).id) };
    },
    async written() {
      const { rows } = await h.db.query(
        `SELECT (SELECT count(*) FROM events WHERE type NOT IN ('LoginFailed', 'PhoneNumberNotBound')) AS events,
                (SELECT count(*) FROM session_keys) AS session_keys,
                (SELECT md5(coalesce(string_agg(session_key, ',' ORDER BY openid), '')) FROM session_keys) AS keys,
                (SELECT count(*) FROM login_codes) AS login_codes,
                (SELECT md5(coalesce(string_agg((to_jsonb(u) - 'stream_version')::text, ',' ORDER BY id), '')) FROM users u) AS users`,
      );
      return JSON.stringify(rows[0]);
    },
    async leaks() {
      for (const user of h.sim.state.users()) watch.secret(user.sessionKey, `session_key of ${user.openid}`);
      for (const line of h.logs) watch.record('log', line);
      await watch.events(h.db);
      return watch.leaks();
    },
    close: () => h.close(),
  };
}
