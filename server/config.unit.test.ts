import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, SIMULATOR_APP } from './config.js';

const dirs: string[] = [];
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'miniauth-config-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env, { cwd: workdir() });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const strongSecret = randomBytes(48).toString('base64');
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://miniauth:pg-password-123@db.internal:5432/miniauth',
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  JWT_SECRET: strongSecret,
};

describe('loadConfig', () => {
  it('runs with no configuration at all: simulator, PGlite under .miniauth, loopback', () => {
    const cwd = workdir();
    const config = loadConfig({}, { cwd });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: join(cwd, '.miniauth/data') },
      wechat: { mode: 'simulator', apiBase: 'http://127.0.0.1:3001', apps: [SIMULATOR_APP], simPort: 3001 },
      jwt: { ttlSeconds: 7 * 86_400, source: 'generated-persisted' },
      logLevel: 'info',
      rateLimit: { loginPerMinute: 600, loginPerOpenidPerMinute: 30 },
      redisUrl: undefined,
      revocationTtlMs: 5000,
    });
  });

  it('keeps the generated development secret in .miniauth/jwt-secret, readable by the owner only', () => {
    const cwd = workdir();
    const first = loadConfig({}, { cwd });
    const second = loadConfig({}, { cwd });
    const file = join(cwd, '.miniauth/jwt-secret');
    expect(second.jwt.keys).toEqual(first.jwt.keys);
    expect(readFileSync(file, 'utf8')).toBe(first.jwt.keys[0]?.secret);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(first.jwt.keys[0]?.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('uses a fresh secret per start, written nowhere, for an in-memory database', () => {
    const cwd = workdir();
    const a = loadConfig({ DATABASE_URL: 'memory' }, { cwd });
    const b = loadConfig({ DATABASE_URL: 'memory' }, { cwd });
    expect(a.database).toEqual({ kind: 'memory' });
    expect(a.jwt.source).toBe('generated-ephemeral');
    expect(a.jwt.keys[0]?.secret).not.toBe(b.jwt.keys[0]?.secret);
    expect(() => statSync(join(cwd, '.miniauth/jwt-secret'))).toThrow();
  });

  it('talks to WeChat when credentials are configured, one app or several', () => {
    const one = loadConfig({ WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 's1', DATABASE_URL: 'memory' });
    expect(one.wechat).toMatchObject({ mode: 'remote', apiBase: 'https://api.weixin.qq.com', apps: [{ appId: 'wx1234567890abcdef', secret: 's1' }] });
    const several = loadConfig({ WECHAT_APPS: 'wxaaaaaaaaaaaaaaaa:s1, wxbbbbbbbbbbbbbbbb:s:2', WECHAT_API_BASE: 'http://127.0.0.1:9999/', DATABASE_URL: 'memory' });
    expect(several.wechat.apps).toEqual([{ appId: 'wxaaaaaaaaaaaaaaaa', secret: 's1' }, { appId: 'wxbbbbbbbbbbbbbbbb', secret: 's:2' }]);
    expect(several.wechat.apiBase).toBe('http://127.0.0.1:9999');
  });

  it('reads keyed JWT secrets in order (the first signs) and durations in several units', () => {
    const config = loadConfig({ JWT_KEYS: 'k2:second-secret,k1:first-secret', TOKEN_TTL: '12h', DATABASE_URL: 'memory' });
    expect(config.jwt.keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    expect(config.jwt.ttlSeconds).toBe(43_200);
    expect(loadConfig({ JWT_SECRET: 'x', TOKEN_TTL: '3600', DATABASE_URL: 'memory' }).jwt).toMatchObject({ keys: [{ kid: 'default', secret: 'x' }], ttlSeconds: 3600, source: 'configured' });
    expect(loadConfig({ TOKEN_TTL: '30m', DATABASE_URL: 'memory' }).jwt.ttlSeconds).toBe(1800);
  });

  it('reads the database forms: postgres URL, PGlite directory, memory', () => {
    const cwd = workdir();
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }, { cwd }).database).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(loadConfig({ DATABASE_URL: 'var/pg' }, { cwd }).database).toEqual({ kind: 'pglite', dataDir: join(cwd, 'var/pg') });
  });

  it('serves metrics only when METRICS_PORT is set, on loopback unless told, never on the public port', () => {
    const metrics = (env: Record<string, string>) => loadConfig({ DATABASE_URL: 'memory', ...env }).metrics;
    expect(metrics({})).toBeUndefined();
    expect(metrics({ METRICS_PORT: '9464' })).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(metrics({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(() => metrics({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT \(3000\)/);
    expect(() => metrics({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: expected a port number/);
    expect(() => metrics({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT: expected a port number/);
    expect(() => metrics({ METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_HOST: set, but METRICS_PORT is not/);
    expect(describeConfig(loadConfig({ DATABASE_URL: 'memory', METRICS_PORT: '9464' }))).toMatchObject({ metrics: '127.0.0.1:9464' });
  });

  it('reads TRUST_PROXY as off, on or proxy addresses, and refuses anything else', () => {
    const trust = (value?: string) => loadConfig({ DATABASE_URL: 'memory', TRUST_PROXY: value }).trustProxy;
    expect(trust()).toBe(false);
    expect(trust('true')).toBe(true);
    expect(() => trust('2')).toThrow(/TRUST_PROXY/);
    expect(trust('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8,127.0.0.1');
    expect(() => trust('sometimes')).toThrow(/TRUST_PROXY: expected false, true/);
  });

  it('reviews content by default (on the simulator with a generated message token), and reads the phone-quota watch', () => {
    const simulated = loadConfig({ DATABASE_URL: 'memory' });
    expect(simulated.contentReview).toEqual({ enabled: true, messageToken: expect.stringMatching(/^[A-Za-z0-9]{3,32}$/) });
    expect(simulated.phoneQuota).toEqual({ warnBelow: 100, pollSeconds: 600 });
    const remote = { DATABASE_URL: 'memory', WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 's' };
    expect(loadConfig(remote).contentReview).toEqual({ enabled: true, messageToken: undefined });
    const set = loadConfig({ ...remote, CONTENT_REVIEW: 'off', WECHAT_MESSAGE_TOKEN: 'Tok3n', PHONE_QUOTA_WARN_BELOW: '0', PHONE_QUOTA_POLL_SECONDS: '0' });
    expect(set.contentReview).toEqual({ enabled: false, messageToken: 'Tok3n' });
    expect(set.phoneQuota).toEqual({ warnBelow: 0, pollSeconds: 0 });
    const problems = problemsOf({ ...remote, CONTENT_REVIEW: 'sometimes', WECHAT_MESSAGE_TOKEN: 'no spaces allowed', PHONE_QUOTA_POLL_SECONDS: '-1' });
    expect(problems.map((line) => line.split(':')[0]).sort()).toEqual(['CONTENT_REVIEW', 'PHONE_QUOTA_POLL_SECONDS', 'WECHAT_MESSAGE_TOKEN']);
    expect(problems.join('\n')).not.toContain('no spaces allowed');
    expect(JSON.stringify(describeConfig(loadConfig({ ...remote, WECHAT_MESSAGE_TOKEN: 'SecretToken9' })))).not.toContain('SecretToken9');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: ' ', DATABASE_URL: 'memory' }).port).toBe(3000);
  });

  it('reports every bad value at once, one line each', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      TOKEN_TTL: '2 weeks',
      WECHAT_APPID: 'not-an-appid',
      WECHAT_SECRET: 'x',
      REDIS_URL: 'http://cache',
      LOGIN_RATE_LIMIT: '-1',
      DATABASE_URL: 'mysql://root:hunter2@db/app',
    });
    const names = problems.map((line) => line.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'NODE_ENV', 'LOG_LEVEL', 'TOKEN_TTL', 'WECHAT_APPID', 'REDIS_URL', 'LOGIN_RATE_LIMIT', 'DATABASE_URL']));
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('names both halves of a missing credential pair and conflicting settings', () => {
    expect(problemsOf({ WECHAT_APPID: 'wx1234567890abcdef' })).toEqual(['WECHAT_SECRET: required with WECHAT_APPID']);
    expect(problemsOf({ WECHAT_SECRET: 'x' })).toEqual(['WECHAT_APPID: required with WECHAT_SECRET']);
    expect(problemsOf({ JWT_SECRET: 'a', JWT_KEYS: 'k:b' })[0]).toMatch(/^JWT_KEYS: .*not both/);
    expect(problemsOf({ WECHAT_API_BASE: 'https://api.weixin.qq.com' })[0]).toMatch(/^WECHAT_API_BASE: .*no WeChat credentials/);
    expect(problemsOf({ JWT_KEYS: 'k1:a,k1:b' })).toEqual(['JWT_KEYS: kid "k1" appears twice']);
  });

  it('never echoes a secret in a problem', () => {
    const problems = problemsOf({ ...production, JWT_KEYS: 'k1:tiny-secret,just-a-bare-secret-value', JWT_SECRET: undefined, WECHAT_APPS: 'nonsense-secret-text', WECHAT_APPID: undefined, WECHAT_SECRET: undefined });
    const text = problems.join('\n');
    for (const secret of ['tiny-secret', 'just-a-bare-secret-value', 'nonsense-secret-text']) expect(text).not.toContain(secret);
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe('loadConfig in production', () => {
  it('accepts real WeChat, PostgreSQL and a strong secret, listening on all interfaces', () => {
    const config = loadConfig(production);
    expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', wechat: { mode: 'remote' }, database: { kind: 'postgres' }, jwt: { source: 'configured' } });
  });

  it('refuses the simulator, PGlite and a missing secret, all in one error', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(3);
    expect(problems.some((line) => line.startsWith('WECHAT_APPID/WECHAT_SECRET') && line.includes('simulator'))).toBe(true);
    expect(problems.some((line) => line.startsWith('DATABASE_URL') && line.includes('PGlite'))).toBe(true);
    expect(problems.some((line) => line.startsWith('JWT_SECRET'))).toBe(true);
  });

  it('refuses an in-memory database', () => {
    expect(problemsOf({ ...production, DATABASE_URL: 'memory' })).toHaveLength(1);
  });

  it.each([
    ['shorter than 32 bytes', 'x7Gq2LmP9vRt4KwZ'],
    ['few distinct characters', 'ab'.repeat(20)],
    ['a placeholder', 'please-change-me-before-going-live-0123456789'],
  ])('refuses a JWT secret that is %s, without echoing it', (_why, secret) => {
    const problems = problemsOf({ ...production, JWT_SECRET: secret });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_SECRET: too weak for production/);
    expect(problems[0]).not.toContain(secret);
  });

  it('refuses a weak key among keyed secrets, naming its kid', () => {
    const problems = problemsOf({ ...production, JWT_SECRET: undefined, JWT_KEYS: `new:${strongSecret},old:short` });
    expect(problems).toEqual([expect.stringMatching(/^JWT_KEYS: key "old": too weak/)]);
  });

  it('refuses a PEM key as an HMAC secret', () => {
    const pem = `-----BEGIN PUBLIC KEY-----${randomBytes(64).toString('base64')}-----END PUBLIC KEY-----`;
    expect(problemsOf({ ...production, JWT_SECRET: pem })[0]).toMatch(/PEM/);
  });
});

describe('describeConfig', () => {
  it('shows what is running without secrets or the database password', () => {
    const config = loadConfig(production);
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).toContain('wx1234567890abcdef');
    expect(shown).toContain('db.internal');
    for (const secret of [production.WECHAT_SECRET, production.JWT_SECRET, 'pg-password-123']) expect(shown).not.toContain(secret);
  });
});
