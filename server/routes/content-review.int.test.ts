// Content review of the profile on the real server with the simulator: a risky nickname is
// refused, a `review` one is pending; an avatar goes pending → passed, or pending → refused and
// is removed, when the simulator pushes its signed verdict to /wx/messages; forged, unsigned,
// replayed or wrongly signed pushes change nothing and answer 4xx; a check WeChat refuses
// because the person has not visited lately runs again after their next login.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

const TOKEN = 'reviewToken2025';
const sign = (token: string, timestamp: string, nonce: string) => createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');

describe.each(databaseTargets())('content review of the profile on $name', (target) => {
  let h: AppHarness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness(target, { env: { WECHAT_MESSAGE_TOKEN: TOKEN } });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    // As in WeChat's console: the endpoint is kept once it echoes the signed GET check.
    await h.device.contentReview({
      endpoint: { url: `${base}/wx/messages`, token: TOKEN },
      pushDelayMs: null,
      rules: [
        { contains: 'Badname', suggest: 'risky', label: 20001 },
        { contains: 'Hmm', suggest: 'review' },
        { contains: 'nsfw', suggest: 'risky', check: 'image' },
      ],
    });
  });
  afterAll(() => h?.close());

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, token: string, payload?: object) =>
    h.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
  const userOf = async (token: string) => (await call('GET', '/me', token)).json().user;

  it('refuses a risky nickname with a typed error and stores nothing; stores a "review" one as pending', async () => {
    const { token } = await h.login();
    const events = await h.countEvents();
    const risky = await call('PUT', '/me/profile', token, { nickname: 'Badname', avatarUrl: 'https://img.example/a.png' });
    expect(risky.statusCode).toBe(422);
    expect(risky.json()).toEqual({ code: 0, error: 'NICKNAME_REFUSED', message: expect.any(String), field: 'nickname' });
    expect(await h.countEvents()).toBe(events);
    expect(await userOf(token)).toMatchObject({ nickname: null, avatarUrl: null });

    const pending = await call('PUT', '/me/profile', token, { nickname: 'Hmm', avatarUrl: 'https://img.example/a.png' });
    expect(pending.statusCode).toBe(200);
    expect(pending.json().user).toMatchObject({ nickname: 'Hmm', pendingReview: ['nickname', 'avatarUrl'] });
  });

  it('keeps an avatar pending until its verdict is pushed: pass keeps it, risky removes it', async () => {
    const { token } = await h.login();
    const set = await call('PUT', '/me/profile', token, { nickname: 'Mei', avatarUrl: 'https://img.example/cat.png' });
    expect(set.json().user).toMatchObject({ nickname: 'Mei', avatarUrl: 'https://img.example/cat.png', pendingReview: ['avatarUrl'] });
    const [passed] = await h.device.flushPushes();
    expect(passed).toMatchObject({ status: 200, body: 'success' });
    expect(await userOf(token)).toMatchObject({ avatarUrl: 'https://img.example/cat.png', pendingReview: [] });

    await call('PUT', '/me/profile', token, { nickname: 'Mei', avatarUrl: 'https://img.example/nsfw.png' });
    expect((await userOf(token)).pendingReview).toEqual(['avatarUrl']);
    const [refused] = await h.device.flushPushes();
    expect(refused).toMatchObject({ status: 200, body: 'success' });
    expect(await userOf(token)).toMatchObject({ nickname: 'Mei', avatarUrl: null, pendingReview: [] });
    expect(await h.countEvents('ProfileReviewRefused')).toBeGreaterThanOrEqual(1);
  });

  it('ignores a verdict for an avatar replaced since', async () => {
    const { token } = await h.login();
    await call('PUT', '/me/profile', token, { nickname: 'Lan', avatarUrl: 'https://img.example/nsfw-old.png' });
    await call('PUT', '/me/profile', token, { nickname: 'Lan', avatarUrl: 'https://img.example/new.png' });
    const delivered = await h.device.flushPushes();
    expect(delivered.map((each) => each.status)).toEqual([200, 200]);
    expect(await userOf(token)).toMatchObject({ avatarUrl: 'https://img.example/new.png', pendingReview: [] });
  });

  describe('the message endpoint', () => {
    const now = () => String(Math.floor(h.now() / 1000));
    const push = (query: Record<string, string>, body: unknown = { Event: 'wxa_media_check', appid: h.config.wechat.apps[0]!.appId, trace_id: 'x', result: { suggest: 'risky', label: 20002 } }) =>
      h.inject({ method: 'POST', url: `/wx/messages?${new URLSearchParams(query)}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

    it("answers WeChat's signed echostr check, and refuses an unsigned or wrongly signed one", async () => {
      const timestamp = now();
      const good = await h.inject({ method: 'GET', url: `/wx/messages?${new URLSearchParams({ signature: sign(TOKEN, timestamp, '7'), timestamp, nonce: '7', echostr: 'echo-me' })}` });
      expect({ status: good.statusCode, body: good.body }).toEqual({ status: 200, body: 'echo-me' });
      const bad = await h.inject({ method: 'GET', url: `/wx/messages?${new URLSearchParams({ signature: sign('other', timestamp, '7'), timestamp, nonce: '7', echostr: 'x' })}` });
      expect({ status: bad.statusCode, error: bad.json().error }).toEqual({ status: 403, error: 'MESSAGE_SIGNATURE_INVALID' });
      const unsigned = await h.inject({ method: 'GET', url: '/wx/messages?echostr=x' });
      expect({ status: unsigned.statusCode, error: unsigned.json().error }).toEqual({ status: 403, error: 'MESSAGE_UNSIGNED' });
    });

    it('changes nothing for a forged, unsigned, stale, replayed or wrongly signed push, and answers 4xx', async () => {
      const { token } = await h.login();
      await call('PUT', '/me/profile', token, { nickname: 'Qi', avatarUrl: 'https://img.example/qi.png' });
      const [pending] = await h.device.pendingPushes();
      const traceId = pending!.traceId;
      const risky = { Event: 'wxa_media_check', appid: h.config.wechat.apps[0]!.appId, trace_id: traceId, version: 2, result: { suggest: 'risky', label: 20002 } };
      const events = await h.countEvents();
      const timestamp = now();

      const answers = [
        await push({}, risky),
        await push({ signature: sign('guessed', timestamp, '1'), timestamp, nonce: '1' }, risky),
        await push({ signature: sign(TOKEN, timestamp, '1'), timestamp, nonce: '2' }, risky),
        await push({ signature: sign(TOKEN, '1000000000', '3'), timestamp: '1000000000', nonce: '3' }, risky),
      ];
      expect(answers.map((answer) => [answer.statusCode, answer.json().error])).toEqual([
        [403, 'MESSAGE_UNSIGNED'],
        [403, 'MESSAGE_SIGNATURE_INVALID'],
        [403, 'MESSAGE_SIGNATURE_INVALID'],
        [403, 'MESSAGE_STALE'],
      ]);
      expect(await h.countEvents()).toBe(events);
      expect((await userOf(token)).avatarUrl).toBe('https://img.example/qi.png');

      // A real push, then the same one again: applied once, the replay refused.
      const signed = { signature: sign(TOKEN, timestamp, '99'), timestamp, nonce: '99' };
      const passing = { ...risky, result: { suggest: 'pass', label: 100 } };
      expect((await push(signed, passing)).statusCode).toBe(200);
      const replayed = await push(signed, risky);
      expect([replayed.statusCode, replayed.json().error]).toEqual([409, 'MESSAGE_REPLAYED']);
      expect(await userOf(token)).toMatchObject({ avatarUrl: 'https://img.example/qi.png', pendingReview: [] });
      // A body that is not a push, signed: 400, nothing changed.
      const junk = await push({ signature: sign(TOKEN, timestamp, '100'), timestamp, nonce: '100' }, { Event: 'wxa_media_check', trace_id: 42 });
      expect([junk.statusCode, junk.json().error]).toEqual([400, 'MESSAGE_MALFORMED']);
      await h.device.flushPushes(); // the simulator's own push, now for an avatar already judged
      expect((await userOf(token)).avatarUrl).toBe('https://img.example/qi.png');
    });
  });

  it('defers a check WeChat refuses because the person has not visited in 2 hours, and runs it after the next login', async () => {
    const { openid, token } = await h.login();
    // Both clocks move: pushes are signed with the simulator's time and checked against the server's.
    await h.device.advanceClock(2 * 3_600_000 + 60_000);
    h.advance(2 * 3_600_000 + 60_000);
    const set = await call('PUT', '/me/profile', token, { nickname: 'Badname later', avatarUrl: 'https://img.example/late.png' });
    expect(set.statusCode).toBe(200);
    expect(set.json().user).toMatchObject({ nickname: 'Badname later', pendingReview: ['nickname', 'avatarUrl'] });
    expect(await h.countEvents('ProfileReviewDeferred')).toBeGreaterThanOrEqual(2);

    const again = await h.login(openid); // wx.login: the person is here now
    expect(again.status).toBe(200);
    expect(again.body['user']).toMatchObject({ nickname: null, avatarUrl: 'https://img.example/late.png', pendingReview: ['avatarUrl'] });
    const delivered = await h.device.flushPushes();
    expect(delivered.some((each) => each.status === 200)).toBe(true);
    expect(await userOf(again.token)).toMatchObject({ avatarUrl: 'https://img.example/late.png', pendingReview: [] });
  });
});
