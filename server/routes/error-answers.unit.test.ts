import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Writable } from 'node:stream';
import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, RateLimitedError } from '../errors.js';
import { WeChatError } from '../providers/wechat/errors.js';
import { TokenError } from '../tokens/errors.js';
import { errorHandler, INTERNAL_MESSAGE, notFoundHandler } from './error-answers.js';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

let app: FastifyInstance;

beforeAll(async () => {
  const logger: FastifyBaseLogger = pino({ level: 'info' }, sink);
  app = Fastify({ bodyLimit: 1024, loggerInstance: logger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post('/login', { schema: { body: z.object({ code: z.string().min(1).max(64) }) } }, async (request) => ({
    code: 1,
    got: request.body.code,
  }));
  app.post('/parse-in-handler', async (request) => z.object({ nickname: z.string() }).parse(request.body));
  app.get('/crash', async () => {
    throw new Error('pool exhausted at db.internal:5432 user=admin');
  });
  app.get('/db-down', async () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  app.get('/token', async () => {
    throw new TokenError('TOKEN_EXPIRED');
  });
  app.get('/wechat-busy', async () => {
    throw new WeChatError('WECHAT_BUSY', 'WeChat is busy.', { retryable: true, retryAfterSeconds: 2, errcode: -1, rid: 'abc-123' });
  });
  app.get('/unmapped', async () => {
    throw new AppError('SOMETHING_NOBODY_MAPPED', 'internal detail at db.internal');
  });
  app.get('/throttled', async () => {
    throw new RateLimitedError(12.2);
  });
  await app.register(async (scope) => {
    await scope.register(rateLimit, { max: 1, timeWindow: 60_000 });
    scope.get('/limited', async () => ({ code: 1 }));
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

function expectErrorBody(body: unknown): asserts body is { code: number; error: string; message: string } {
  expect(body).toMatchObject({ code: expect.any(Number), error: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
}

describe('errorHandler', () => {
  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{"code": "abc"' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expectErrorBody(body);
    expect(body).toMatchObject({ code: 0, error: 'BAD_REQUEST' });
  });

  it('answers an empty JSON body with 400 BAD_REQUEST', async () => {
    const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'BAD_REQUEST' });
  });

  it('answers a wrong content type with 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/xml' }, payload: '<code>a</code>' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 0, error: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ code: 'x'.repeat(4096) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 0, error: 'BODY_TOO_LARGE' });
  });

  it('answers a zod schema failure with 400 VALIDATION_FAILED naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/login', payload: { code: 42 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expectErrorBody(body);
    expect(body).toMatchObject({ code: 0, error: 'VALIDATION_FAILED', field: 'body.code' });
    expect(body.message).toContain('body.code');
  });

  it('names a missing field and an over-long one', async () => {
    const missing = await app.inject({ method: 'POST', url: '/login', payload: {} });
    expect(missing.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'body.code' });
    const long = await app.inject({ method: 'POST', url: '/login', payload: { code: 'x'.repeat(65) } });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'body.code' });
  });

  it('maps a JSON-schema (ajv) failure the same way', async () => {
    const plain = Fastify();
    plain.setErrorHandler(errorHandler);
    const schema = { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } };
    plain.post('/ajv', { schema }, async () => ({ code: 1 }));
    try {
      const res = await plain.inject({ method: 'POST', url: '/ajv', payload: {} });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'body.name' });
    } finally {
      await plain.close();
    }
  });

  it('maps a ZodError thrown inside a handler to 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/parse-in-handler', payload: { nickname: 7 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'nickname' });
  });

  it('hides a plain Error behind 500 INTERNAL and logs the cause', async () => {
    const res = await app.inject({ method: 'GET', url: '/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 0, error: 'INTERNAL', message: INTERNAL_MESSAGE });
    expect(res.body).not.toContain('pool exhausted');
    expect(res.body).not.toContain('db.internal');
    expect(logLines.some((line) => line.includes('pool exhausted') && line.includes('"level":50'))).toBe(true);
  });

  it('answers an error whose code has no status as our bug: 500 INTERNAL, its message hidden', async () => {
    const res = await app.inject({ method: 'GET', url: '/unmapped' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 0, error: 'INTERNAL', message: INTERNAL_MESSAGE });
    expect(res.body).not.toContain('db.internal');
  });

  it('answers a lost database connection with 503 DATABASE_UNAVAILABLE', async () => {
    const res = await app.inject({ method: 'GET', url: '/db-down' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 0, error: 'DATABASE_UNAVAILABLE', retryable: true });
    expect(res.body).not.toContain('administrator');
  });

  it('answers token errors with 401, code -1 and a Bearer challenge', async () => {
    const res = await app.inject({ method: 'GET', url: '/token' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: -1, error: 'TOKEN_EXPIRED' });
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('keeps WeChat details that help support (errcode, rid) and the retry hint', async () => {
    const res = await app.inject({ method: 'GET', url: '/wechat-busy' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json()).toEqual({ code: 0, error: 'WECHAT_BUSY', message: 'WeChat is busy.', retryable: true, retryAfterSeconds: 2, errcode: -1, rid: 'abc-123' });
  });

  it('answers a RateLimitedError with 429 and a whole-second retry-after', async () => {
    const res = await app.inject({ method: 'GET', url: '/throttled' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('13');
    expect(res.json()).toMatchObject({ error: 'RATE_LIMITED', retryAfterSeconds: 13 });
  });

  it('maps @fastify/rate-limit rejections to 429 RATE_LIMITED', async () => {
    expect((await app.inject({ method: 'GET', url: '/limited' })).statusCode).toBe(200);
    const res = await app.inject({ method: 'GET', url: '/limited' });
    expect(res.statusCode).toBe(429);
    const body = res.json();
    expect(body).toMatchObject({ code: 0, error: 'RATE_LIMITED', retryable: true });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(body.retryAfterSeconds).toBe(Number(res.headers['retry-after']));
  });
});

describe('notFoundHandler', () => {
  it('answers an unknown route with 404 NOT_FOUND without echoing the query', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?code=secret-login-code' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 0, error: 'NOT_FOUND' });
    expect(res.body).toContain('/nowhere');
    expect(res.body).not.toContain('secret-login-code');
  });
});
