import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { assertPlaygroundAllowed } from './plugin.js';

const SECRET = 'k9Qv2xLr7Tn4Wb8Zc1Hy6Jd3Fg5Ms0Pa';

describe('where the playground may run', () => {
  it('beside the embedded simulator', () => {
    expect(() => assertPlaygroundAllowed(loadConfig({ NODE_ENV: 'development', JWT_SECRET: SECRET, DATABASE_URL: 'memory' }))).not.toThrow();
  });

  it('never against real WeChat, and never in production', () => {
    const remote = loadConfig({ NODE_ENV: 'development', JWT_SECRET: SECRET, DATABASE_URL: 'memory', WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'real-secret' });
    expect(() => assertPlaygroundAllowed(remote)).toThrow(/only on the WeChat simulator/);
    const production = loadConfig({
      NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db.example/miniauth',
      WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'real-secret',
    });
    expect(() => assertPlaygroundAllowed(production)).toThrow(/never in production/);
  });
});
