// Environment → typed configuration, validated with zod at start-up. Every bad value gets
// one line, all of them are reported together in one ConfigError, and no secret is ever
// echoed. In production the server refuses the simulator, PGlite and weak secrets.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface WeChatAppConfig {
  appId: string;
  secret: string;
}

export interface JwtKeyConfig {
  kid: string;
  secret: string;
}

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'memory' }
  | { kind: 'postgres'; url: string };

export interface Config {
  env: NodeEnv;
  port: number;
  host: string;
  database: DatabaseConfig;
  wechat: {
    /** 'simulator': no credentials configured, the embedded simulator stands in for WeChat. */
    mode: 'simulator' | 'remote';
    /** In simulator mode, http://127.0.0.1:SIM_PORT (replace it when the simulator listens on port 0). */
    apiBase: string;
    apps: WeChatAppConfig[];
    simPort: number;
    timeoutMs: number;
  };
  jwt: {
    /** The first key signs; all of them verify. */
    keys: JwtKeyConfig[];
    ttlSeconds: number;
    source: 'configured' | 'generated-persisted' | 'generated-ephemeral';
  };
  logLevel: LogLevel;
  rateLimit: {
    /** Logins per minute per client address; 0 turns the limit off. */
    loginPerMinute: number;
    /** Logins per minute per openid (after the code exchange); 0 turns it off. */
    loginPerOpenidPerMinute: number;
  };
  redisUrl: string | undefined;
  /** How long a process may trust its cached token version of a user (revocation delay). */
  revocationTtlMs: number;
  /**
   * Whose X-Forwarded-For to believe (fastify's trustProxy): false, true, or the proxies'
   * addresses. Behind a load balancer, without it every phone shares the proxy's address.
   * (A hop count is not offered: fastify 5 ignores it, as it cannot vouch for the peer.)
   */
  trustProxy: boolean | string;
  /** Where development state lives (`.miniauth/`: PGlite data, the generated JWT secret). */
  stateDir: string;
  contentReview: {
    /** Nicknames through WeChat's text check (and avatars through the image check, with a token). */
    enabled: boolean;
    /**
     * The message endpoint's token (WeChat's console: 消息推送): pushed verdicts are signed with it.
     * Without one, avatars are not sent for review. Generated in simulator mode.
     */
    messageToken: string | undefined;
  };
  /**
   * A phone number another live person holds: `refuse` answers PHONE_NUMBER_TAKEN; `merge`
   * merges the two persons when WeChat does not say they are two humans (not both with a
   * unionid, different), else refuses too.
   */
  phoneConflict: 'refuse' | 'merge';
  phoneQuota: {
    /** Warn in the log when a package holds this many numbers or fewer; 0: never. */
    warnBelow: number;
    /** How often the quota is read from WeChat; 0: only when asked. */
    pollSeconds: number;
  };
  /** The Prometheus listener (GET /metrics), apart from the public port; off when undefined. */
  metrics: { port: number; host: string } | undefined;
  /** The operators' console at /admin; undefined (off) unless operators are configured. */
  admin: AdminConfig | undefined;
}

export interface AdminOperatorConfig {
  name: string;
  /** `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64url); null: signs in through the proxy header only. */
  passwordHash: string | null;
}

export interface AdminConfig {
  operators: AdminOperatorConfig[];
  /** The console's own origin (https://ops.example.com); required in production. */
  origin: string | undefined;
  /** A header set by an authenticating proxy that names the operator (lower case). */
  proxyHeader: string | undefined;
  sessionTtlSeconds: number;
  /** Failed sign-ins in a row that lock an operator out. */
  maxFailedSignIns: number;
  lockoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The app the embedded simulator is started with when no WeChat credentials are set: the
 * same as the standalone simulator's default (simulator/cli.ts DEFAULT_APP), so that
 * `miniauth simulator` in another terminal works with an unconfigured server too.
 */
export const SIMULATOR_APP: WeChatAppConfig = { appId: 'wx0000000000000001', secret: '0123456789abcdef0123456789abcdef' };

const MIN_SECRET_BYTES = 32;
const MAX_TTL_SECONDS = 365 * 86_400;
const PLACEHOLDER = /change.?me|replace.?me|your.?(jwt.?)?secret|jwt.?secret|example|placeholder|password|miniauth/i;

// Empty variables (`FOO=` in a compose file) count as unset.
const text = z.string().trim().optional().transform((value) => (value === '' ? undefined : value));

function whole(min: number, max: number, fallback: number) {
  return text.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const number = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got "${value}"` });
      return z.NEVER;
    }
    return number;
  });
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "3600", "45s", "30m", "12h", "7d" → seconds; undefined when not a duration. */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * (units[match[2] || 's'] ?? 1);
}

const variables = z.object({
  NODE_ENV: text.pipe(z.enum(['development', 'test', 'production'], { error: 'expected development, test or production' }).default('development')),
  PORT: whole(0, 65_535, 3000),
  HOST: text.pipe(z.string().regex(/^[^\s/]+$/, { error: 'expected a host name or address' }).optional()),
  DATABASE_URL: text,
  WECHAT_APPID: text.pipe(z.string().regex(/^wx[0-9A-Za-z]{6,30}$/, { error: 'expected wx followed by letters and digits (e.g. wx1234567890abcdef)' }).optional()),
  WECHAT_SECRET: text,
  WECHAT_APPS: text,
  WECHAT_API_BASE: text.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.weixin.qq.com' }).optional()),
  WECHAT_TIMEOUT_MS: whole(100, 60_000, 5000),
  SIM_PORT: whole(0, 65_535, 3001),
  JWT_SECRET: text,
  JWT_KEYS: text,
  TOKEN_TTL: text.transform((value, ctx) => {
    const seconds = value === undefined ? 7 * 86_400 : parseDurationSeconds(value);
    if (seconds === undefined || seconds < 60 || seconds > MAX_TTL_SECONDS) {
      ctx.addIssue({ code: 'custom', message: `expected a duration from 60s to 365d such as 3600, 30m, 12h or 7d, got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  }),
  LOG_LEVEL: text.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' }).default('info')),
  LOGIN_RATE_LIMIT: whole(0, 1_000_000, 600),
  LOGIN_RATE_LIMIT_PER_OPENID: whole(0, 1_000_000, 30),
  REDIS_URL: text.pipe(z.url({ protocol: /^rediss?$/, error: 'expected redis://… or rediss://…' }).optional()),
  REVOCATION_TTL_MS: whole(0, 3_600_000, 5000),
  CONTENT_REVIEW: text.pipe(z.enum(['on', 'off'], { error: 'expected on or off' }).default('on')),
  WECHAT_MESSAGE_TOKEN: text.pipe(z.string().regex(/^[A-Za-z0-9]{3,32}$/, { error: 'expected 3 to 32 letters and digits, as WeChat\'s console takes it' }).optional()),
  PHONE_CONFLICT: text.pipe(z.enum(['refuse', 'merge'], { error: 'expected refuse or merge' }).default('refuse')),
  PHONE_QUOTA_WARN_BELOW: whole(0, 1_000_000_000, 100),
  PHONE_QUOTA_POLL_SECONDS: whole(0, 86_400, 600),
  METRICS_PORT: text.pipe(z.string().regex(/^\d{1,5}$/, { error: 'expected a port number from 0 to 65535' }).transform(Number).pipe(z.number().max(65_535, { error: 'expected a port number from 0 to 65535' })).optional()),
  METRICS_HOST: text.pipe(z.string().regex(/^[^\s/]+$/, { error: 'expected a host name or address' }).optional()),
  ADMIN_ACCOUNTS: text,
  ADMIN_ACCOUNTS_FILE: text,
  ADMIN_ORIGIN: text.pipe(z.url({ protocol: /^https?$/, error: 'expected the console\'s origin, such as https://ops.example.com' }).optional()),
  ADMIN_PROXY_HEADER: text.pipe(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'expected a header name such as X-Forwarded-User' }).optional()),
  ADMIN_SESSION_TTL: text.transform((value, ctx) => {
    const seconds = value === undefined ? 8 * 3600 : parseDurationSeconds(value);
    if (seconds === undefined || seconds < 60 || seconds > 7 * 86_400) {
      ctx.addIssue({ code: 'custom', message: `expected a duration from 60s to 7d such as 30m or 8h, got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  }),
  ADMIN_MAX_FAILED_SIGNINS: whole(1, 100, 5),
  ADMIN_LOCKOUT: text.transform((value, ctx) => {
    const seconds = value === undefined ? 15 * 60 : parseDurationSeconds(value);
    if (seconds === undefined || seconds < 1 || seconds > 7 * 86_400) {
      ctx.addIssue({ code: 'custom', message: `expected a duration from 1s to 7d such as 15m, got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  }),
  TRUST_PROXY: text.transform((value, ctx) => {
    if (value === undefined || value === 'false') return false;
    if (value === 'true') return true;
    const addresses = value.split(',').map((item) => item.trim());
    if (addresses.every((item) => /^[0-9a-fA-F.:]*[.:][0-9a-fA-F.:]*(\/\d{1,3})?$/.test(item))) return addresses.join(',');
    ctx.addIssue({ code: 'custom', message: 'expected false, true, or the addresses/CIDRs of the proxies separated by commas (e.g. 10.0.0.0/8)' });
    return z.NEVER;
  }),
});

type Variables = z.output<typeof variables>;

/**
 * Each variable on its own, so that every bad one is reported. A bad value stands in as its
 * raw text for the checks that follow (e.g. a malformed WECHAT_APPID still counts as set);
 * nothing is returned then, as the problems end in a ConfigError.
 */
function readVariables(env: NodeJS.ProcessEnv, problems: string[]): Variables {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variables.shape)) {
    const result = schema.safeParse(env[name]);
    if (result.success) {
      values[name] = result.data;
    } else {
      for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
      values[name] = env[name]?.trim();
    }
  }
  return values as Variables;
}

/** "a:x,b:y" → pairs, split at the first colon of each item; problems go to `problems`. */
function pairs(name: string, value: string, left: string, pattern: RegExp, problems: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  const items = value.split(',').map((part) => part.trim()).filter(Boolean);
  for (const [index, item] of items.entries()) {
    const colon = item.indexOf(':');
    const id = colon > 0 ? item.slice(0, colon) : '';
    const secret = colon > 0 ? item.slice(colon + 1) : '';
    if (!pattern.test(id) || secret === '') {
      // The item is not echoed: without its colon it may be a bare secret.
      problems.push(`${name}: item ${index + 1} is not ${left}:secret (pairs separated by commas)`);
    } else if (result.some(([seen]) => seen === id)) {
      problems.push(`${name}: ${left} "${id}" appears twice`);
    } else {
      result.push([id, secret]);
    }
  }
  if (items.length === 0) problems.push(`${name}: no ${left}:secret pair found`);
  return result;
}

/** Why a secret is too weak for production, or undefined when it is fine. */
export function secretWeakness(secret: string): string | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `${bytes} bytes, need at least ${MIN_SECRET_BYTES}`;
  if (new Set(secret).size < 8) return 'too few distinct characters';
  if (PLACEHOLDER.test(secret)) return 'looks like a placeholder';
  return undefined;
}

function databaseFrom(value: string | undefined, cwd: string, problems: string[]): DatabaseConfig | undefined {
  if (value === undefined) return { kind: 'pglite', dataDir: resolve(cwd, '.miniauth/data') };
  if (value === 'memory') return { kind: 'memory' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'pglite', dataDir: resolve(cwd, value) };
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (URL.canParse(value)) return { kind: 'postgres', url: value };
    problems.push('DATABASE_URL: not a valid postgres:// URL');
  } else {
    problems.push(`DATABASE_URL: unsupported scheme "${scheme}:" (expected postgres://…, a directory for PGlite, or memory)`);
  }
  return undefined;
}

/** A development secret kept in `.miniauth/jwt-secret`, so tokens survive a restart. */
function persistedDevSecret(stateDir: string): string | undefined {
  const file = join(stateDir, 'jwt-secret');
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // 'wx' fails when the file exists: two processes starting together agree on one secret.
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const secret = readFileSync(file, 'utf8').trim();
    return secret.length >= MIN_SECRET_BYTES ? secret : undefined;
  } catch {
    return undefined;
  }
}

const OPERATOR_NAME = /^[A-Za-z0-9._@-]{1,64}$/;
// What `miniauth admin-password` prints (the parameters are checked again when it is used).
const PASSWORD_HASH = /^scrypt\$\d{1,2}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9_-]{16,64}\$[A-Za-z0-9_-]{32,128}$/;

/** The operators of ADMIN_ACCOUNTS (name:hash, by commas) or of ADMIN_ACCOUNTS_FILE (one a line). */
function operatorsFrom(vars: Variables, cwd: string, problems: string[]): AdminOperatorConfig[] {
  let items: Array<{ item: string; where: string }> = [];
  if (vars.ADMIN_ACCOUNTS !== undefined && vars.ADMIN_ACCOUNTS_FILE !== undefined) {
    problems.push('ADMIN_ACCOUNTS_FILE: set either ADMIN_ACCOUNTS or ADMIN_ACCOUNTS_FILE, not both');
    return [];
  }
  if (vars.ADMIN_ACCOUNTS !== undefined) {
    items = vars.ADMIN_ACCOUNTS.split(',').map((item, index) => ({ item: item.trim(), where: `ADMIN_ACCOUNTS: item ${index + 1}` }));
  } else if (vars.ADMIN_ACCOUNTS_FILE !== undefined) {
    let content: string;
    try {
      content = readFileSync(resolve(cwd, vars.ADMIN_ACCOUNTS_FILE), 'utf8');
    } catch {
      problems.push('ADMIN_ACCOUNTS_FILE: cannot be read');
      return [];
    }
    items = content.split('\n').map((line, index) => ({ item: line.trim(), where: `ADMIN_ACCOUNTS_FILE: line ${index + 1}` }))
      .filter(({ item }) => item !== '' && !item.startsWith('#'));
  }
  const operators: AdminOperatorConfig[] = [];
  for (const { item, where } of items.filter(({ item }) => item !== '')) {
    const colon = item.indexOf(':');
    const name = colon > 0 ? item.slice(0, colon) : '';
    const hash = colon > 0 ? item.slice(colon + 1) : '';
    // The item is not echoed: it may hold a password typed in by mistake.
    if (!OPERATOR_NAME.test(name) || !(hash === '*' || PASSWORD_HASH.test(hash))) {
      problems.push(`${where}: is not name:hash (a hash from \`miniauth admin-password\`, or * for the proxy header only)`);
    } else if (operators.some((operator) => operator.name === name)) {
      problems.push(`${where}: operator "${name}" appears twice`);
    } else {
      operators.push({ name, passwordHash: hash === '*' ? null : hash });
    }
  }
  return operators;
}

function adminFrom(vars: Variables, cwd: string, production: boolean, problems: string[]): AdminConfig | undefined {
  const operators = operatorsFrom(vars, cwd, problems);
  if (operators.length === 0) return undefined;
  const origin = vars.ADMIN_ORIGIN !== undefined && URL.canParse(vars.ADMIN_ORIGIN) ? new URL(vars.ADMIN_ORIGIN).origin : undefined;
  if (production && origin === undefined) problems.push('ADMIN_ORIGIN: required in production with operators configured (the console answers there only)');
  if (production && origin !== undefined && !origin.startsWith('https://')) problems.push('ADMIN_ORIGIN: must be https:// in production');
  if (vars.ADMIN_PROXY_HEADER !== undefined && vars.TRUST_PROXY === false) {
    problems.push('ADMIN_PROXY_HEADER: needs TRUST_PROXY (the header is believed from the trusted proxies only)');
  }
  if (vars.ADMIN_PROXY_HEADER === undefined && operators.some((operator) => operator.passwordHash === null)) {
    problems.push('ADMIN_ACCOUNTS: an operator without a password (*) needs ADMIN_PROXY_HEADER');
  }
  return {
    operators,
    origin,
    proxyHeader: vars.ADMIN_PROXY_HEADER?.toLowerCase(),
    sessionTtlSeconds: vars.ADMIN_SESSION_TTL,
    maxFailedSignIns: vars.ADMIN_MAX_FAILED_SIGNINS,
    lockoutSeconds: vars.ADMIN_LOCKOUT,
  };
}

export interface LoadConfigOptions {
  /** Relative paths (DATABASE_URL, `.miniauth/`) resolve against this; default process.cwd(). */
  cwd?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const vars = readVariables(env, problems);
  const production = vars.NODE_ENV === 'production';
  const stateDir = resolve(cwd, '.miniauth');
  const database = databaseFrom(vars.DATABASE_URL, cwd, problems);

  let apps: WeChatAppConfig[] = [];
  if (vars.WECHAT_APPS !== undefined && (vars.WECHAT_APPID !== undefined || vars.WECHAT_SECRET !== undefined)) {
    problems.push('WECHAT_APPS: set either WECHAT_APPS or WECHAT_APPID/WECHAT_SECRET, not both');
  } else if (vars.WECHAT_APPS !== undefined) {
    apps = pairs('WECHAT_APPS', vars.WECHAT_APPS, 'appid', /^wx[0-9A-Za-z]{6,30}$/, problems).map(([appId, secret]) => ({ appId, secret }));
  } else if ((vars.WECHAT_APPID === undefined) !== (vars.WECHAT_SECRET === undefined)) {
    problems.push(vars.WECHAT_APPID === undefined ? 'WECHAT_APPID: required with WECHAT_SECRET' : 'WECHAT_SECRET: required with WECHAT_APPID');
  } else if (vars.WECHAT_APPID !== undefined && vars.WECHAT_SECRET !== undefined) {
    apps = [{ appId: vars.WECHAT_APPID, secret: vars.WECHAT_SECRET }];
  }
  const simulated = apps.length === 0;
  if (simulated && vars.WECHAT_API_BASE !== undefined) {
    problems.push('WECHAT_API_BASE: set, but no WeChat credentials (WECHAT_APPID/WECHAT_SECRET or WECHAT_APPS) to call it with');
  }
  if (production && simulated) {
    problems.push('WECHAT_APPID/WECHAT_SECRET (or WECHAT_APPS): required in production; the simulator is for development');
  }
  if (production && database !== undefined && database.kind !== 'postgres') {
    problems.push('DATABASE_URL: production needs postgres://… (PGlite is one connection in one process)');
  }

  let keys: JwtKeyConfig[] = [];
  let source: Config['jwt']['source'] = 'configured';
  if (vars.JWT_SECRET !== undefined && vars.JWT_KEYS !== undefined) {
    problems.push('JWT_KEYS: set either JWT_SECRET or JWT_KEYS, not both');
  } else if (vars.JWT_KEYS !== undefined) {
    keys = pairs('JWT_KEYS', vars.JWT_KEYS, 'kid', /^[A-Za-z0-9._-]{1,64}$/, problems).map(([kid, secret]) => ({ kid, secret }));
  } else if (vars.JWT_SECRET !== undefined) {
    // The kid of a single secret; to rotate, move to JWT_KEYS=new:…,default:<old secret>.
    keys = [{ kid: 'default', secret: vars.JWT_SECRET }];
  } else if (production) {
    problems.push('JWT_SECRET (or JWT_KEYS): required in production, at least 32 random bytes (e.g. `openssl rand -base64 48`)');
  } else {
    const kept = vars.NODE_ENV === 'development' && database?.kind !== 'memory' ? persistedDevSecret(stateDir) : undefined;
    keys = [{ kid: 'dev', secret: kept ?? randomBytes(48).toString('base64url') }];
    source = kept ? 'generated-persisted' : 'generated-ephemeral';
  }
  for (const { kid, secret } of keys) {
    const name = vars.JWT_KEYS !== undefined ? `JWT_KEYS: key "${kid}"` : 'JWT_SECRET';
    if (secret.includes('-----BEGIN')) problems.push(`${name}: is a PEM key; HS256 needs a random secret`);
    const weakness = production ? secretWeakness(secret) : undefined;
    if (weakness) problems.push(`${name}: too weak for production (${weakness}); use e.g. \`openssl rand -base64 48\``);
  }

  if (vars.METRICS_HOST !== undefined && vars.METRICS_PORT === undefined) {
    problems.push('METRICS_HOST: set, but METRICS_PORT is not (metrics are off unless METRICS_PORT is set)');
  }
  if (vars.METRICS_PORT !== undefined && vars.METRICS_PORT !== 0 && vars.METRICS_PORT === vars.PORT) {
    problems.push(`METRICS_PORT: must differ from PORT (${vars.PORT}); metrics are never served on the public port`);
  }
  const admin = adminFrom(vars, cwd, production, problems);

  if (problems.length > 0 || database === undefined) throw new ConfigError(problems);
  return {
    env: vars.NODE_ENV,
    port: vars.PORT,
    // Development listens on loopback only: the simulator-backed server hands out tokens to anyone.
    host: vars.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    database,
    wechat: {
      mode: simulated ? 'simulator' : 'remote',
      apiBase: (simulated ? `http://127.0.0.1:${vars.SIM_PORT}` : (vars.WECHAT_API_BASE ?? 'https://api.weixin.qq.com')).replace(/\/+$/, ''),
      apps: simulated ? [{ ...SIMULATOR_APP }] : apps,
      simPort: vars.SIM_PORT,
      timeoutMs: vars.WECHAT_TIMEOUT_MS,
    },
    jwt: { keys, ttlSeconds: vars.TOKEN_TTL, source },
    logLevel: vars.LOG_LEVEL,
    rateLimit: { loginPerMinute: vars.LOGIN_RATE_LIMIT, loginPerOpenidPerMinute: vars.LOGIN_RATE_LIMIT_PER_OPENID },
    redisUrl: vars.REDIS_URL,
    revocationTtlMs: vars.REVOCATION_TTL_MS,
    trustProxy: vars.TRUST_PROXY,
    stateDir,
    contentReview: {
      enabled: vars.CONTENT_REVIEW === 'on',
      // The simulator is told this token by the development root: its pushes verify like WeChat's.
      messageToken: vars.WECHAT_MESSAGE_TOKEN ?? (simulated ? randomBytes(24).toString('base64url').replace(/[-_]/g, '').slice(0, 32) : undefined),
    },
    phoneConflict: vars.PHONE_CONFLICT,
    phoneQuota: { warnBelow: vars.PHONE_QUOTA_WARN_BELOW, pollSeconds: vars.PHONE_QUOTA_POLL_SECONDS },
    // Loopback unless told otherwise: the exposition is for the operators' network only.
    metrics: vars.METRICS_PORT === undefined ? undefined : { port: vars.METRICS_PORT, host: vars.METRICS_HOST ?? '127.0.0.1' },
    admin,
  };
}

/** What a banner or a log may show of the configuration: no secret, no database password. */
export function describeConfig(config: Config): Record<string, unknown> {
  const database = config.database.kind === 'postgres'
    ? { kind: 'postgres', url: config.database.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') }
    : config.database;
  return {
    env: config.env,
    listen: `${config.host}:${config.port}`,
    database,
    wechat: { mode: config.wechat.mode, apiBase: config.wechat.apiBase, appIds: config.wechat.apps.map((app) => app.appId) },
    jwt: { kids: config.jwt.keys.map((key) => key.kid), ttlSeconds: config.jwt.ttlSeconds, source: config.jwt.source },
    rateLimit: config.rateLimit,
    redis: config.redisUrl === undefined ? 'off' : 'on',
    revocationTtlMs: config.revocationTtlMs,
    trustProxy: config.trustProxy,
    contentReview: {
      nicknames: config.contentReview.enabled ? 'on' : 'off',
      avatars: !config.contentReview.enabled ? 'off' : config.contentReview.messageToken === undefined ? 'off (no WECHAT_MESSAGE_TOKEN)' : 'on',
    },
    phoneQuota: config.phoneQuota,
    metrics: config.metrics === undefined ? 'off' : `${config.metrics.host}:${config.metrics.port}`,
    admin: config.admin === undefined ? 'off' : { operators: config.admin.operators.map((operator) => operator.name), origin: config.admin.origin ?? 'the request\'s own' },
  };
}

/** The DATABASE_URL form openDatabase reads, for any kind of database configured. */
export function databaseUrlOf(database: DatabaseConfig): string {
  switch (database.kind) {
    case 'pglite':
      return database.dataDir;
    case 'memory':
      return 'memory';
    case 'postgres':
      return database.url;
  }
}
