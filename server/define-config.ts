// The configuration as an object, for a program that embeds miniauth instead of reading the
// environment: defineConfig({ database: postgres(url), wechat: { apps }, jwt: { secret } }).
// It goes through the same validation as loadConfig (each setting stands for the environment
// variable a problem is reported under), so the two can never disagree.

import { loadConfig, type Config, type DatabaseConfig, type JwtKeyConfig, type LogLevel, type NodeEnv, type WeChatAppConfig } from './config.js';

/** PostgreSQL at a postgres:// URL: what production runs on. Needs the `pg` package. */
export function postgres(url: string): DatabaseConfig {
  return { kind: 'postgres', url };
}

/** Embedded PGlite in a data directory (one process at a time). Needs `@electric-sql/pglite`. */
export function pglite(dataDir: string): DatabaseConfig {
  return { kind: 'pglite', dataDir };
}

/** Embedded PGlite in memory, gone when the process ends (tests, demos). Needs `@electric-sql/pglite`. */
export function memoryDatabase(): DatabaseConfig {
  return { kind: 'memory' };
}

export interface MiniAuthSettings {
  /** postgres(url), pglite(dir) or memoryDatabase(). */
  database: DatabaseConfig;
  wechat: {
    /** The mini programs served, with their AppSecrets; the first is the default. */
    apps: readonly WeChatAppConfig[];
    /** Where WeChat's server API answers (default https://api.weixin.qq.com; a simulator's URL in tests). */
    apiBase?: string;
    /** Per call to WeChat (default 5000). */
    timeoutMs?: number;
  };
  /** One secret, or keys with ids for rotation (the first one signs). At least 32 bytes in production. */
  jwt: { secret: string } | { keys: readonly JwtKeyConfig[] };
  /** Token lifetime: seconds, or '30m', '12h', '7d' (default 7d). */
  tokenTtl?: number | string;
  /** Default: process.env.NODE_ENV, else development. Production refuses PGlite and weak secrets. */
  env?: NodeEnv;
  /** Where startServer listens (default 3000 on 127.0.0.1; 0.0.0.0 in production). Unused when mounted. */
  port?: number;
  host?: string;
  /** The level of the logger miniauth makes when it is given none (default info). */
  logLevel?: LogLevel;
  rateLimit?: {
    /** Logins per minute per client address (default 600; 0 = off). */
    loginPerMinute?: number;
    /** Logins per minute per person (default 30; 0 = off). */
    loginPerOpenidPerMinute?: number;
  };
  /** redis:// URL: rate-limit counters and revocations shared by several processes. */
  redisUrl?: string;
  /** How long a process may trust a cached token version (default 5000 ms). */
  revocationTtlMs?: number;
  /** Whose X-Forwarded-For to believe (fastify's trustProxy); only where miniauth builds the app. */
  trustProxy?: boolean | string;
  /** A phone number another person holds: refuse (default), or merge the two when they may be one. */
  phoneConflict?: 'refuse' | 'merge';
  /** Relative paths resolve against this (default process.cwd()). */
  cwd?: string;
}

function databaseUrl(database: DatabaseConfig): string {
  switch (database.kind) {
    case 'postgres':
      return database.url;
    case 'pglite':
      return database.dataDir;
    case 'memory':
      return 'memory';
  }
}

/** A validated Config from settings; throws ConfigError listing every problem. */
export function defineConfig(settings: MiniAuthSettings): Config {
  const env: Record<string, string | undefined> = {
    NODE_ENV: settings.env ?? process.env['NODE_ENV'],
    PORT: settings.port?.toString(),
    HOST: settings.host,
    DATABASE_URL: databaseUrl(settings.database),
    WECHAT_APPS: settings.wechat.apps.map(({ appId, secret }) => `${appId}:${secret}`).join(','),
    WECHAT_API_BASE: settings.wechat.apiBase,
    WECHAT_TIMEOUT_MS: settings.wechat.timeoutMs?.toString(),
    JWT_SECRET: 'secret' in settings.jwt ? settings.jwt.secret : undefined,
    JWT_KEYS: 'keys' in settings.jwt ? settings.jwt.keys.map(({ kid, secret }) => `${kid}:${secret}`).join(',') : undefined,
    TOKEN_TTL: settings.tokenTtl?.toString(),
    LOG_LEVEL: settings.logLevel,
    LOGIN_RATE_LIMIT: settings.rateLimit?.loginPerMinute?.toString(),
    LOGIN_RATE_LIMIT_PER_OPENID: settings.rateLimit?.loginPerOpenidPerMinute?.toString(),
    REDIS_URL: settings.redisUrl,
    REVOCATION_TTL_MS: settings.revocationTtlMs?.toString(),
    TRUST_PROXY: settings.trustProxy?.toString(),
    PHONE_CONFLICT: settings.phoneConflict,
  };
  return loadConfig(env, settings.cwd === undefined ? {} : { cwd: settings.cwd });
}
