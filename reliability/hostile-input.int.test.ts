// Issue 10, hostile input: property-based fuzzing (fast-check, 200 runs a property) of every
// route's body, headers and token over real HTTP. Whatever arrives, the answer is a 2xx the
// input deserved or a 4xx `{ code, error, message }`, never a 5xx or a stack, and a refused
// request writes nothing (a failed login is recorded, as it should be, and nothing else).

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTypedError, type Answer } from './testing/http.js';
import { MESSAGE_TOKEN, startAppUnderAttack, type AppUnderAttack } from './testing/app-under-attack.js';

const RUNS = 200;

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  signedIn: boolean;
  /** A valid JSON body would be a legitimate request that changes things (revoke, erase). */
  bodyActs?: boolean;
}

const ROUTES: Route[] = [
  { method: 'POST', url: '/wx/login', signedIn: false },
  { method: 'GET', url: '/me', signedIn: true },
  { method: 'PUT', url: '/me/profile', signedIn: true },
  { method: 'POST', url: '/me/profile/wechat', signedIn: true },
  { method: 'POST', url: '/me/phone', signedIn: true },
  { method: 'POST', url: '/me/phone/unavailable', signedIn: true },
  { method: 'POST', url: '/me/consent', signedIn: true },
  { method: 'GET', url: '/me/export', signedIn: true },
  { method: 'POST', url: '/wx/messages', signedIn: false },
  { method: 'GET', url: '/wx/messages', signedIn: false },
  { method: 'POST', url: '/auth/logout-all', signedIn: true, bodyActs: true },
  { method: 'DELETE', url: '/me', signedIn: true, bodyActs: true },
  { method: 'GET', url: '/healthz', signedIn: false },
  { method: 'GET', url: '/readyz', signedIn: false },
];

// Strings a hostile client sends: any text, base64 look-alikes, huge ones, prototype keys,
// control characters, and near-valid login codes (which do reach WeChat).
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.base64String({ maxLength: 64 }),
  fc.string({ minLength: 100, maxLength: 20_000 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '\u0000', '../../etc/passwd', "' OR 1=1 --", '<script>', 'https://a/b.png', 'javascript:alert(1)', 'ｗｘ', 'given', 'withdrawn', 'v1', 'wxa_media_check'),
  fc.stringMatching(/^[A-Za-z0-9]{32}$/),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1400001), fc.jsonValue({ maxDepth: 3 }));
const FIELDS = ['code', 'encryptedData', 'iv', 'signature', 'rawData', 'appId', 'nickname', 'avatarUrl', 'errno', 'errMsg', 'decision', 'guideVersion', 'Event', 'trace_id', 'appid', 'result', '__proto__', 'constructor'];
/** Routes where a well-formed body is a legitimate request that is answered 2xx. */
const MAY_PASS = ['/me/profile', '/me/consent', '/me/phone/unavailable'];
/** A body: a JSON object with the routes' field names (and others), any JSON value, or text that is not JSON. */
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 6 }).map((value) => JSON.stringify(value)),
  fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"code":', '[1,2', '{"code":"a"}}', '\u0000', 'null', '""', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}'),
);
const notJson = fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('{', '[', '{"a":', 'nul', '{}}', '\u0000')).filter((text) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return text !== '';
  }
});

describe('hostile input, fuzzed', () => {
  let s: AppUnderAttack;
  let token: string;

  beforeAll(async () => {
    s = await startAppUnderAttack();
    token = (await s.signedIn()).token;
  });
  afterAll(() => s?.close());

  /** The rule for every answer to hostile input; returns whether the request was refused. */
  function judge(answer: Answer, context: string): boolean {
    expect(answer.status, `${context}: ${answer.text}`).toBeLessThan(500);
    expect(answer.text, context).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/i);
    if (answer.status < 400) {
      expect(answer.body?.['code'], context).toBe(1);
      return false;
    }
    expect(isTypedError(answer.body), `${context}: ${answer.text}`).toBe(true);
    expect(answer.body?.['code'], context).toBe(answer.status === 401 ? -1 : 0);
    return true;
  }

  it.each(ROUTES.filter((route) => route.method !== 'GET'))('$method $url: fuzzed bodies', async (route) => {
    await fc.assert(
      fc.asyncProperty(route.bodyActs ? notJson : hostileBody, async (body) => {
        const before = await s.written();
        const answer = await s.send(route.method, route.url, {
          body,
          headers: { 'content-type': 'application/json', ...(route.signedIn ? { authorization: `Bearer ${token}` } : {}) },
        });
        const refused = judge(answer, `${route.method} ${route.url} ${body.slice(0, 200)}`);
        if (refused) expect(await s.written()).toBe(before);
        // Only a well-formed profile, consent or quota report can pass; a login needs a real code, and none is fuzzed.
        else expect(MAY_PASS).toContain(route.url);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  const contentTypes = fc.oneof(
    fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'APPLICATION/JSON', ''),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
  );
  const headerText = fc.string({ unit: 'binary-ascii', maxLength: 300 }).filter((text) => /^[\x20-\x7e]*$/.test(text));

  it('fuzzed headers on every route: content types, tokens, referers, forwarded addresses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.record({
          'content-type': contentTypes,
          authorization: fc.oneof(headerText, headerText.map((text) => `Bearer ${text}`), fc.constant(`Basic ${Buffer.from('a:b').toString('base64')}`)),
          token: headerText,
          referer: fc.oneof(headerText, fc.constantFrom('https://servicewechat.com/wx0000000000000000/1/page-frame.html', 'https://servicewechat.com/../../')),
          'x-forwarded-for': headerText,
          accept: headerText,
          'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', '*', 'x'),
        }, { requiredKeys: [] }),
        async (route, headers) => {
          const before = await s.written();
          const body = route.method === 'GET' || route.bodyActs ? undefined : '{"code":"fuzzed-header-code","nickname":"x"}';
          const answer = await s.send(route.method, route.url, { headers, ...(body === undefined ? {} : { body }) });
          // No header carries our token, so every signed-in route must refuse; nothing is written.
          const refused = judge(answer, `${route.method} ${route.url} ${JSON.stringify(headers).slice(0, 300)}`);
          if (route.signedIn) {
            expect(answer.status).toBe(401);
            expect(answer.body?.['error']).toMatch(/^TOKEN_(MISSING|INVALID)$/);
          }
          if (refused) expect(await s.written()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  /** A real token, damaged: a character changed, cut short, parts swapped or re-encoded. */
  const damagedToken = (valid: string) =>
    fc.oneof(
      fc.record({ at: fc.nat({ max: valid.length - 1 }), char: fc.constantFrom(...'ABCabc012-_.=+/ ') }).map(({ at, char }) => `${valid.slice(0, at)}${char}${valid.slice(at + 1)}`),
      fc.nat({ max: valid.length - 1 }).map((at) => valid.slice(0, at)),
      fc.nat({ max: 40 }).map((extra) => `${valid}${'A'.repeat(extra + 1)}`),
      fc.constant(valid.split('.').reverse().join('.')),
      fc.constant(valid.toUpperCase()),
      fc.constant(valid.split('.').slice(0, 2).join('.')),
      fc.constant(`${valid.split('.').slice(0, 2).join('.')}.`),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{0,43}$/),
    ).filter((token) => token !== valid && token.trim() !== '');

  it('fuzzed tokens on every signed-in route: 401 with code -1, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.filter((route) => route.signedIn)),
        damagedToken(token),
        fc.constantFrom('bearer', 'token'),
        async (route, damaged, header) => {
          const before = await s.written();
          const headers: Record<string, string> = header === 'bearer' ? { authorization: `Bearer ${damaged}` } : { token: damaged };
          const answer = await s.send(route.method, route.url, { headers, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }) });
          judge(answer, `${route.method} ${route.url} ${damaged}`);
          expect({ status: answer.status, code: answer.body?.['code'] }).toEqual({ status: 401, code: -1 });
          expect(answer.body?.['error']).toMatch(/^TOKEN_(INVALID|MISSING)$/);
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
          expect(await s.written()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
    // The token still works: the fuzz changed nothing for its owner.
    expect((await s.send('GET', '/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 120_000);

  it('answers oversized headers with a typed 431, not a bare parser error', async () => {
    const before = await s.written();
    const answer = await s.send('GET', '/me', { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
    expect(answer.status).toBe(431);
    expect(isTypedError(answer.body), answer.text).toBe(true);
    expect(await s.written()).toBe(before);
  });

  /** What a raw request gets, written to the socket as is (fetch would refuse to send it). */
  async function raw(request: string): Promise<{ status: number; body: Record<string, unknown> | undefined; text: string }> {
    const { hostname, port } = new URL(s.base);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(request));
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(5_000, () => socket.destroy(new Error('no answer'))); // idle 5 s: the answer takes milliseconds
    });
    s.watch.record('answer', text);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
    const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(bodyText) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    return { status, body, text };
  }

  it.each([
    { name: 'a bad Content-Length', request: 'POST /wx/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}' },
    { name: 'a header without a colon', request: 'GET /me HTTP/1.1\r\nHost: x\r\nAuthorization Bearer x\r\n\r\n' },
    { name: 'a bad chunked body', request: 'POST /wx/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n' },
    { name: 'a body shorter than its Content-Length', request: 'POST /wx/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\nConnection: close\r\n\r\n{"code":"abc"}' },
  ])('answers malformed HTTP ($name) with a typed 4xx', async ({ request }) => {
    const before = await s.written();
    const answer = await raw(request);
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
    expect(answer.status, answer.text).toBeLessThan(500);
    expect(isTypedError(answer.body), answer.text).toBe(true);
    expect(await s.written()).toBe(before);
  }, 15_000);

  it('POST /me/phone with well-formed codes WeChat refuses: a typed 400 each, and only the refusals kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{32}$/), async (code) => {
        const before = await s.written();
        const answer = await s.send('POST', '/me/phone', { body: { code }, headers: { authorization: `Bearer ${token}` } });
        expect(judge(answer, `POST /me/phone ${code}`)).toBe(true);
        expect(answer.body?.['error']).toMatch(/^WECHAT_PHONE_CODE_(INVALID|USED)$/);
        expect(await s.written()).toBe(before);
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  const sign = (timestamp: string, nonce: string) => createHash('sha1').update([MESSAGE_TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  const queryText = fc.string({ unit: 'binary', maxLength: 80 });

  it('/wx/messages with fuzzed signatures, timestamps and nonces: a typed 4xx, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST'),
        fc.record({ signature: fc.oneof(queryText, fc.stringMatching(/^[0-9a-f]{40}$/)), timestamp: fc.oneof(queryText, fc.nat().map(String)), nonce: queryText, echostr: queryText }, { requiredKeys: [] }),
        hostileBody,
        async (method, query, body) => {
          const before = await s.written();
          const answer = await s.send(method, `/wx/messages?${new URLSearchParams(query)}`, method === 'POST' ? { body, headers: { 'content-type': 'application/json' } } : {});
          expect(judge(answer, `${method} /wx/messages ${JSON.stringify(query).slice(0, 200)}`)).toBe(true);
          expect(await s.written()).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('/wx/messages signed right with fuzzed bodies: never a 5xx, never a change to anyone', async () => {
    let nonce = 0;
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const before = await s.written();
        const timestamp = String(Math.floor(s.h.now() / 1000));
        nonce += 1;
        const query = new URLSearchParams({ signature: sign(timestamp, String(nonce)), timestamp, nonce: String(nonce) });
        const answer = await s.send('POST', `/wx/messages?${query}`, { body, headers: { 'content-type': 'application/json' } });
        expect(answer.status, answer.text).toBeLessThan(500);
        if (answer.status >= 400) expect(isTypedError(answer.body), answer.text).toBe(true);
        else expect(answer.text).toBe('success');
        // No avatar awaits a verdict with a fuzzed trace id: whatever the body says, nobody changes.
        expect(await s.written()).toBe(before);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await s.leaks();
    expect(s.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > RUNS * 5), log: expect.toSatisfy((n: number) => n > RUNS * 5) });
    expect(leaks).toEqual([]);
  });
});
