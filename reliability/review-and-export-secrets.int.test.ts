// Issue 18's routes under the secret scan: content review with verdicts pushed and signed by the
// simulator, consent, the personal export, phone numbers and the quota report, every one of
// them used for real over HTTP; then no session key, app secret, JWT secret or message token
// may be found in an answer, a log line or an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TOKEN, startAppUnderAttack, type AppUnderAttack } from './testing/app-under-attack.js';

describe('the secret scan over content review, consent and the export', () => {
  let s: AppUnderAttack;
  beforeAll(async () => {
    s = await startAppUnderAttack();
    await s.h.device.contentReview({
      endpoint: { url: `${s.base}/wx/messages`, token: MESSAGE_TOKEN },
      pushDelayMs: null,
      rules: [{ contains: 'risky', suggest: 'risky' }],
    });
  });
  afterAll(() => s?.close());

  it('uses every new route for real, and nothing secret leaks', async () => {
    for (let i = 0; i < 5; i++) {
      const { openid, token } = await s.signedIn();
      const headers = { authorization: `Bearer ${token}` };
      const send = (method: string, path: string, body?: unknown) => s.send(method, path, { headers, ...(body === undefined ? {} : { body }) });
      expect((await send('PUT', '/me/profile', { nickname: `Person ${i}`, avatarUrl: `https://img.example/${i % 2 ? 'risky' : 'fine'}-${i}.png` })).status).toBe(200);
      expect((await send('PUT', '/me/profile', { nickname: 'so risky', avatarUrl: 'https://img.example/x.png' })).status).toBe(422);
      expect((await send('POST', '/me/consent', { decision: 'given', guideVersion: 'v7' })).status).toBe(200);
      expect((await send('POST', '/me/phone', { code: await s.h.device.phoneCode(openid) })).status).toBe(200);
      expect((await send('POST', '/me/phone/unavailable', { errno: 1400001 })).status).toBe(200);
      expect((await send('POST', '/me/consent', { decision: 'withdrawn', guideVersion: 'v7' })).status).toBe(200);
      const delivered = await s.h.device.flushPushes();
      expect(delivered.every((each) => each.status === 200)).toBe(true);
      const exported = await send('GET', '/me/export');
      expect(exported.status).toBe(200);
      expect((exported.body?.['export'] as { consentHistory: unknown[] }).consentHistory).toHaveLength(2);
      if (i === 4) expect((await send('DELETE', '/me')).status).toBe(200);
    }
    const leaks = await s.leaks();
    expect(s.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > 40), event: expect.toSatisfy((n: number) => n > 40) });
    expect(leaks).toEqual([]);
  });
});
