// The metrics on the real server, with the simulator as WeChat and a real database: each thing
// that happens moves exactly the counters it should and nothing else; the exposition passes
// the real `promtool check metrics`; the listener is its own port, and the public port has no
// /metrics.

import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import { createDeviceClient, createSimulator, type Simulator } from '../../simulator/index.js';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from '../start.js';
import { startHarness, type AppHarness, APP, JWT_SECRET } from '../testing/app-harness.js';
import { catchUpLoginFailures } from '../users/index.js';
import { watchPhoneQuota } from '../background-jobs.js';
import { createLogger } from '../log.js';
import { createWeChatGateway } from '../providers/wechat/index.js';
import { createMetrics, type Metrics } from './metrics.js';

/** Every counter value and histogram count, as `name{labels}` → value. */
async function counts(metrics: Metrics): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type !== 'counter' && type !== 'histogram') continue;
    for (const { value, labels, metricName } of metric.values as Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>) {
      if (type === 'histogram' && metricName !== `${metric.name}_count`) continue;
      const shown = Object.entries(labels).filter(([key]) => key !== 'le').map(([key, v]) => `${key}="${String(v)}"`).join(',');
      values.set(`${metric.name}{${shown}}`, value);
    }
  }
  return values;
}

/** What moved between two readings (only the series that changed). */
function moved(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) changes[key] = delta;
  }
  return changes;
}

async function gauge(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values as Array<{ value: number; labels: Record<string, unknown> }> | undefined)
    ?.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))?.value;
}

function promtool(args: string[], input: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', args, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: unknown }).code ?? 1), output: `${stdout}${stderr}` });
    });
    child.stdin!.end(input);
  });
}

/** The number of `append` ok observations a change moved; the rest of the change must be exactly `expected`. */
function withoutAppends(change: Record<string, number>): { appends: number; rest: Record<string, number> } {
  const key = 'miniauth_store_append_duration_seconds{outcome="ok"}';
  const { [key]: appends = 0, ...rest } = change;
  return { appends, rest };
}

describe.each(databaseTargets())('metrics on $name', (target) => {
  let h: AppHarness;
  let metrics: Metrics;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  // The counting registry goes into the app; the scrape-time gauges need the database the
  // harness opens, so they are read from a second registry on it.
  let gauges: Metrics;

  beforeAll(async () => {
    metrics = createMetrics({ processMetrics: false });
    h = await startHarness(target, { telemetry: metrics.telemetry, env: { LOGIN_RATE_LIMIT_PER_OPENID: '2' } });
    gauges = createMetrics({ db: h.db, processMetrics: false });
  });
  afterAll(() => h?.close());

  it('a first login counts a registration, one code2Session answered 0, and its appends', async () => {
    const before = await counts(metrics);
    const { status } = await h.login();
    expect(status).toBe(200);
    const { appends, rest } = withoutAppends(moved(before, await counts(metrics)));
    expect(appends).toBe(1);
    expect(rest).toEqual({
      'miniauth_logins_total{outcome="registered",reason=""}': 1,
      'miniauth_wechat_calls_total{api="code2Session",result="0"}': 1,
      'miniauth_wechat_call_duration_seconds{api="code2Session"}': 1,
    });
  });

  it('a returning login and the same code again count apart', async () => {
    const { openid } = await h.login();
    const code = await h.device.login(openid);
    const before = await counts(metrics);
    expect((await h.inject({ method: 'POST', url: '/wx/login', payload: { code } })).statusCode).toBe(200);
    expect((await h.inject({ method: 'POST', url: '/wx/login', payload: { code } })).statusCode).toBe(200);
    const { rest } = withoutAppends(moved(before, await counts(metrics)));
    expect(rest).toEqual({
      'miniauth_logins_total{outcome="returning",reason=""}': 1,
      'miniauth_logins_total{outcome="replayed",reason=""}': 1,
      'miniauth_wechat_calls_total{api="code2Session",result="0"}': 1,
      'miniauth_wechat_call_duration_seconds{api="code2Session"}': 1,
    });
  });

  it('a failure counts its reason and the errcode WeChat answered, and nothing is appended but the failure', async () => {
    await h.device.fault({ api: 'jscode2session', errcode: 40029 });
    const { code } = await h.newUser();
    const before = await counts(metrics);
    const response = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(response.statusCode).toBe(400);
    const reason = response.json<{ error: string }>().error;
    const { appends, rest } = withoutAppends(moved(before, await counts(metrics)));
    expect(appends).toBe(1); // the failed login, recorded in the log
    expect(rest).toEqual({
      [`miniauth_logins_total{outcome="failed",reason="${reason}"}`]: 1,
      'miniauth_wechat_calls_total{api="code2Session",result="40029"}': 1,
      'miniauth_wechat_call_duration_seconds{api="code2Session"}': 1,
    });
  });

  it('the failed-logins projection lag rises with an unprojected failure and falls when it catches up', async () => {
    // The log is read commit-safe: an event shows once every older transaction in the cluster
    // has ended, so beside other suites the projection may take a pass or two to reach it.
    const caughtUp = () => eventually(async () => {
      await catchUpLoginFailures(h.db);
      await gauges.exposition();
      expect(await gauge(gauges, 'miniauth_projection_lag_events', { projection: 'login_failures' })).toBe(0);
    });
    await caughtUp();
    await h.device.fault({ api: 'jscode2session', errcode: 40029 });
    const { code } = await h.newUser();
    await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    await gauges.exposition();
    expect(await gauge(gauges, 'miniauth_projection_lag_events', { projection: 'login_failures' })).toBeGreaterThanOrEqual(1);
    expect(await gauge(gauges, 'miniauth_projection_lag_seconds', { projection: 'login_failures' })).toBeGreaterThanOrEqual(0);
    await caughtUp();
    expect(await gauge(gauges, 'miniauth_projection_lag_seconds', { projection: 'login_failures' })).toBe(0);
    if (target.name === 'pg') expect(await gauge(gauges, 'miniauth_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
  });

  it('logging out everywhere counts a revocation; the token then refused counts a refusal by its reason; an erasure counts one erasure', async () => {
    const { token } = await h.login();
    let before = await counts(metrics);
    expect((await h.inject({ method: 'POST', url: '/auth/logout-all', headers: auth(token) })).statusCode).toBe(200);
    expect(withoutAppends(moved(before, await counts(metrics))).rest).toEqual({ 'miniauth_revocations_total{}': 1 });

    before = await counts(metrics);
    expect((await h.inject({ method: 'GET', url: '/me', headers: auth(token) })).statusCode).toBe(401);
    expect((await h.inject({ method: 'GET', url: '/me' })).statusCode).toBe(401);
    const refused = moved(before, await counts(metrics));
    expect(refused).toEqual({
      'miniauth_token_refusals_total{reason="TOKEN_REVOKED"}': 1,
      'miniauth_token_refusals_total{reason="TOKEN_MISSING"}': 1,
    });

    const again = await h.login();
    before = await counts(metrics);
    expect((await h.inject({ method: 'DELETE', url: '/me', headers: auth(again.token) })).statusCode).toBe(200);
    const { appends, rest } = withoutAppends(moved(before, await counts(metrics)));
    expect(appends).toBe(1);
    expect(rest).toEqual({ 'miniauth_erasures_total{}': 1 });
  });

  it('a person over their login limit counts a refusal of the person limit and a failed login', async () => {
    const { openid } = await h.login();
    await h.inject({ method: 'POST', url: '/wx/login', payload: { code: await h.device.login(openid) } });
    const code = await h.device.login(openid);
    const before = await counts(metrics);
    const response = await h.inject({ method: 'POST', url: '/wx/login', payload: { code } });
    expect(response.statusCode).toBe(429);
    const { rest } = withoutAppends(moved(before, await counts(metrics)));
    expect(rest).toEqual({
      'miniauth_rate_limited_total{limit="person"}': 1,
      [`miniauth_logins_total{outcome="failed",reason="${response.json<{ error: string }>().error}"}`]: 1,
      'miniauth_wechat_calls_total{api="code2Session",result="0"}': 1,
      'miniauth_wechat_call_duration_seconds{api="code2Session"}': 1,
    });
  });

  it("the phone-number quota the background job reads is the simulator's ledger", async () => {
    await h.device.setPhoneQuota([{ all: 1000, used: 1000, source: 1 }, { all: 5000, used: 1234, source: 2 }], APP.appId);
    const gateway = createWeChatGateway({ apiBase: h.config.wechat.apiBase, apps: h.config.wechat.apps, logger: createLogger({ level: 'silent' }) });
    const stop = watchPhoneQuota({ config: h.config, gateway, telemetry: metrics.telemetry }, createLogger({ level: 'silent' }));
    await stop(); // the first read is made at once; stopping waits for it
    const ledger = await h.device.phoneQuota(APP.appId);
    const left = ledger.packages.filter((pkg) => pkg.status === 1).reduce((sum, pkg) => sum + pkg.all - pkg.used, 0);
    expect(left).toBe(3766);
    expect(await gauge(metrics, 'miniauth_phone_quota_left', { appid: APP.appId })).toBe(left);
    expect(await gauge(metrics, 'miniauth_phone_numbers_bought', { appid: APP.appId })).toBe(ledger.packages.reduce((sum, pkg) => sum + pkg.used, 0));
  });

  it('the exposition, process metrics included, passes promtool check metrics', async () => {
    const all = createMetrics({ db: h.db });
    await all.exposition(); // the process metrics' first values
    const { text } = await all.exposition();
    const checked = await promtool(['check', 'metrics'], text);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
    for (const line of text.split('\n').filter((l) => l.startsWith('miniauth_'))) {
      // No openid, user id, code or rid in a label: only the known label names.
      expect(line).toMatch(/^miniauth_[a-z_]+(\{(?:(?:outcome|reason|api|result|limit|state|projection|appid|kind|verdict|le)="[^"]*",?)*\})? /);
    }
  });
});

describe('the metrics listener of a running server', () => {
  let sim: Simulator;
  let simBase: string;
  let server: RunningServer;

  beforeAll(async () => {
    sim = createSimulator({ apps: [APP] });
    simBase = await sim.listen();
    const config = loadConfig({
      NODE_ENV: 'test', PORT: '0', DATABASE_URL: 'memory', LOG_LEVEL: 'silent', METRICS_PORT: '0',
      WECHAT_APPID: APP.appId, WECHAT_SECRET: APP.secret, WECHAT_API_BASE: simBase, JWT_SECRET,
    });
    server = await startServer(config, { wechatApiBase: simBase });
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
  });

  it('serves the exposition on its own port, counting what the public port did, and nothing else there', async () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(server.metricsUrl!).port).not.toBe(new URL(server.url).port);
    const device = createDeviceClient(simBase);
    const { openid } = await device.createUser();
    const code = await device.login(openid);
    const login = await fetch(`${server.url}/wx/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(login.status).toBe(200);

    const scrape = await fetch(server.metricsUrl!);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    expect(text).toMatch(/^miniauth_logins_total\{outcome="registered",reason=""\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^miniauth_projection_lag_events\{projection="login_failures"\} \d+$/m);

    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const elsewhere = await fetch(new URL('/other', server.metricsUrl!));
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ code: -1, error: 'NOT_FOUND' });
    const posted = await fetch(server.metricsUrl!, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(await posted.json()).toMatchObject({ code: -1, error: 'METHOD_NOT_ALLOWED' });
  });
});

describe('the address limit', () => {
  it('counts each login it refuses, and the refused login reaches no service', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const target = databaseTargets().find((each) => each.name === 'pglite')!;
    const h = await startHarness(target, { telemetry: metrics.telemetry, env: { LOGIN_RATE_LIMIT: '1' } });
    try {
      expect((await h.login()).status).toBe(200);
      const before = await counts(metrics);
      const { code } = await h.newUser();
      expect((await h.inject({ method: 'POST', url: '/wx/login', payload: { code } })).statusCode).toBe(429);
      expect(moved(before, await counts(metrics))).toEqual({ 'miniauth_rate_limited_total{limit="address"}': 1 });
    } finally {
      await h.close();
    }
  });
});
