// The leak scan must find a secret however a careless line spells it, or every "no leak"
// verdict of the suite is worthless.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeakWatch } from './leak-watch.js';

describe('the leak watch', () => {
  const sessionKey = randomBytes(16).toString('base64');

  it.each([
    { spelling: 'as is', text: (key: string) => `{"msg":"login","sessionKey":"${key}"}` },
    { spelling: 'URL-encoded', text: (key: string) => `GET /x?session_key=${encodeURIComponent(key)}` },
    { spelling: 'base64url', text: (key: string) => `k=${Buffer.from(key, 'base64').toString('base64url')}` },
    { spelling: 'hex', text: (key: string) => `bytes ${Buffer.from(key, 'base64').toString('hex')}` },
  ])('finds a session_key written $spelling, and says where', ({ text }) => {
    const watch = new LeakWatch();
    watch.secret(sessionKey, 'the key');
    watch.record('answer', '{"code":1}');
    watch.record('log', text(sessionKey));
    expect(watch.leaks()).toEqual([expect.objectContaining({ place: 'log', secret: 'the key' })]);
    expect(JSON.stringify(watch.leaks())).not.toContain(sessionKey); // the report does not leak it again
  });

  it('reports nothing when no secret is there', () => {
    const watch = new LeakWatch();
    watch.secret(sessionKey, 'the key');
    watch.record('event', JSON.stringify({ type: 'UserLoggedIn', data: { userId: 'u' } }));
    expect(watch.leaks()).toEqual([]);
  });
});
