import Fastify, { type FastifyBaseLogger } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, loggerOptions, redactUrl } from './log.js';

const secrets = {
  bearer: 'eyJhbGciOiJIUzI1NiJ9.BEARER-TOKEN-VALUE.sig',
  legacyToken: 'eyJhbGciOiJIUzI1NiJ9.LEGACY-TOKEN-VALUE.sig',
  loginCode: '0c3Xk0000rHuDR1pXF200dXp0a2Xk00k',
  queryCode: '0a1QUERYCODEb2c3d4e5f6a7b8c9d0e1',
  jsCode: '0f9JSCODEzzzzzzzzzzzzzzzzzzzzzzz',
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  appSecret: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  encryptedData: 'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
  phoneCode: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144',
};

function collector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

const apps: Array<{ close(): Promise<unknown> }> = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

function buildCarelessApp(logger: { loggerInstance: FastifyBaseLogger } | { logger: object }) {
  const app = Fastify(logger);
  apps.push(app);
  // A route that logs everything it is handed, as a careless handler might.
  app.post('/wx/login', async (request) => {
    request.log.info({ body: request.body }, 'login body');
    request.log.info({ headers: request.headers }, 'login headers');
    request.log.info({ req: request }, 'request again');
    request.log.info({ request: { body: request.body, query: request.query } }, 'nested');
    request.log.info({ wechat: { js_code: secrets.jsCode, secret: secrets.appSecret, session_key: secrets.sessionKey }, sessionKey: secrets.sessionKey }, 'exchange');
    request.log.info({ code: secrets.phoneCode }, 'phone code');
    request.log.info({ answer: { code: 1 }, code: -1 }, 'numeric result codes stay');
    return { code: 1, token: secrets.bearer };
  });
  return app;
}

async function sendCarelessRequest(app: ReturnType<typeof buildCarelessApp>) {
  const res = await app.inject({
    method: 'POST',
    url: `/wx/login?code=${secrets.queryCode}&page=share`,
    headers: { authorization: `Bearer ${secrets.bearer}`, token: secrets.legacyToken, 'user-agent': 'wechat-devtools' },
    payload: { code: secrets.loginCode, encryptedData: secrets.encryptedData, iv: secrets.iv, signature: 'abc', rawData: '{"nickName":"x"}' },
  });
  expect(res.statusCode).toBe(200);
}

function expectNoSecrets(lines: string[]) {
  const text = lines.join('');
  for (const [name, value] of Object.entries(secrets)) {
    expect(text, `${name} leaked into the log`).not.toContain(value);
  }
}

describe('server log', () => {
  it('keeps tokens, codes, secrets, session keys and payloads out of every line (loggerInstance)', async () => {
    const { lines, stream } = collector();
    const app = buildCarelessApp({ loggerInstance: createLogger({ level: 'info' }, stream) });
    await sendCarelessRequest(app);

    expect(lines.length).toBeGreaterThanOrEqual(8);
    expectNoSecrets(lines);
    const records = lines.map((line) => JSON.parse(line));
    const incoming = records.find((r) => r.msg === 'incoming request');
    expect(incoming.req).toMatchObject({ method: 'POST', url: '/wx/login?code=[Redacted]&page=share', headers: { 'user-agent': 'wechat-devtools' } });
    expect(records.find((r) => r.msg === 'request completed').res).toEqual({ statusCode: 200 });
    expect(records.find((r) => r.msg === 'login body').body).toEqual({ fields: ['code', 'encryptedData', 'iv', 'signature', 'rawData'] });
    expect(records.find((r) => r.msg === 'numeric result codes stay')).toMatchObject({ answer: { code: 1 }, code: -1 });
  });

  it('does the same through Fastify({ logger: loggerOptions() })', async () => {
    const { lines, stream } = collector();
    const app = buildCarelessApp({ logger: { ...loggerOptions({ level: 'info' }), stream } });
    await sendCarelessRequest(app);
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expectNoSecrets(lines);
  });

  it('masks credential query parameters in URLs and keeps the rest', () => {
    expect(redactUrl(`/sns/jscode2session?appid=wx1&secret=${secrets.appSecret}&js_code=${secrets.jsCode}&grant_type=authorization_code`)).toBe(
      '/sns/jscode2session?appid=wx1&secret=[Redacted]&js_code=[Redacted]&grant_type=authorization_code',
    );
    expect(redactUrl('/me?access_token=abc#frag')).toBe('/me?access_token=[Redacted]#frag');
  });
});
