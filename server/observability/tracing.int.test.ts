// The login's spans with a real OpenTelemetry SDK registered, as an operator's would be: one
// trace per login whose steps are children of the login span, the WeChat call carrying its API,
// errcode and rid, and no secret, code, openid or token in any attribute.

import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/databases.js';
import { APP, JWT_SECRET, startHarness, type AppHarness } from '../testing/app-harness.js';

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager().enable();

function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}

describe.each(databaseTargets())('login spans on $name', (target) => {
  let h: AppHarness;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it('a login is one trace: the code claimed, WeChat called, the user appended, the token signed', async () => {
    const { status, token, openid } = await h.login();
    expect(status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const login = spans.find((span) => span.name === 'login')!;
    expect(login).toBeDefined();
    expect(login.attributes).toMatchObject({ 'miniauth.appid': APP.appId, 'miniauth.login.outcome': 'registered' });
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([login.spanContext().traceId]));
    const steps = childrenOf(spans, login).map((span) => span.name);
    expect(steps).toEqual(['claim code', 'wechat code2Session', 'store login', 'sign token']);
    const wechat = spans.find((span) => span.name === 'wechat code2Session')!;
    expect(wechat.attributes).toMatchObject({ 'wechat.api': 'code2Session', 'wechat.errcode': 0 });
    const storeLogin = spans.find((span) => span.name === 'store login')!;
    expect(childrenOf(spans, storeLogin).map((span) => span.name)).toEqual(['store append']);

    const values = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events })));
    for (const secret of [token, openid, JWT_SECRET, APP.secret]) expect(values).not.toContain(secret);
    const { rows } = await h.db.query<{ session_key: string }>('SELECT session_key FROM session_keys');
    for (const { session_key } of rows) expect(values).not.toContain(session_key);
  });

  it('a failed login carries the errcode and rid WeChat answered, and the error code, never the code sent', async () => {
    await h.device.fault({ api: 'jscode2session', errcode: 40029 });
    const { code } = await h.newUser();
    const response = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(response.statusCode).toBe(400);
    const spans = exporter.getFinishedSpans();
    const wechat = spans.find((span) => span.name === 'wechat code2Session')!;
    expect(wechat.attributes['wechat.errcode']).toBe(40029);
    expect(wechat.attributes['wechat.rid']).toMatch(/^[0-9a-f-]+$/);
    const login = spans.find((span) => span.name === 'login')!;
    expect(login.status).toMatchObject({ code: 2, message: response.json<{ error: string }>().error });
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(code);
  });
});
