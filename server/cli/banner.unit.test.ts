import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { bannerLines, DEMO_OPENID, WALKTHROUGH_HEADING } from './banner.js';

const SECRET = 'wechat-app-secret-0123456789abcdef';
const JWT = 'k3Yq9v2LmZp8Rt5Wx1Nb7Hc4Jd6Fg0SaQeTuViOyPl';

describe('the serve banner', () => {
  it('with real WeChat: names the host of PostgreSQL and the apps, shows no secret, and offers no simulator walk-through', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://auth:db-password-42@db.internal:6543/miniauth',
      WECHAT_APPID: 'wx1234567890abcdef',
      WECHAT_SECRET: SECRET,
      JWT_SECRET: JWT,
    });
    const text = bannerLines({ config, url: 'http://127.0.0.1:3000', simulatorUrl: undefined, migrationsApplied: [] }).join('\n');
    expect(text).toContain('PostgreSQL at db.internal:6543/miniauth');
    expect(text).toContain('https://api.weixin.qq.com (app wx1234567890abcdef)');
    expect(text).toContain('bound to 0.0.0.0');
    expect(text).toContain('migrations  up to date');
    for (const secret of ['db-password-42', 'auth:', SECRET, JWT]) expect(text).not.toContain(secret);
    expect(text).not.toContain(WALKTHROUGH_HEADING);
    expect(text).not.toContain('/__sim/');
    expect(text).not.toContain('/playground');
  });

  it('with the simulator: a walk-through against the URLs the server and the simulator really got', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory', PORT: '0', SIM_PORT: '0' });
    const lines = bannerLines({ config, url: 'http://127.0.0.1:41234', simulatorUrl: 'http://127.0.0.1:42345', migrationsApplied: ['001_event_store'] });
    expect(lines).toContain('  http://127.0.0.1:41234/playground     play every login scenario in the browser, on the real machine');
    const steps = lines.slice(lines.indexOf(WALKTHROUGH_HEADING) + 1, lines.indexOf('', lines.indexOf(WALKTHROUGH_HEADING)));
    expect(steps.filter((line) => line.includes('curl'))).toEqual([
      expect.stringContaining('http://127.0.0.1:42345/__sim/users'),
      expect.stringContaining('http://127.0.0.1:42345/__sim/login'),
      expect.stringContaining('http://127.0.0.1:41234/wx/login'),
      expect.stringContaining('http://127.0.0.1:41234/me'),
    ]);
    expect(steps.join('\n')).toContain(DEMO_OPENID);
    expect(lines.join('\n')).toContain('PGlite in memory');
    expect(lines.join('\n')).toContain('generated for this run only');
    // Nobody else can read an in-memory database: no `events` hint.
    expect(lines.join('\n')).not.toContain('miniauth events');
  });

  it('says the docs page is off when its UI package is not installed', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory' });
    const facts = { config, url: 'http://127.0.0.1:3000', simulatorUrl: undefined, migrationsApplied: [] };
    const withoutDocs = Fastify();
    withoutDocs.get('/healthz', async () => ({ code: 1 }));
    await withoutDocs.ready();
    expect(bannerLines({ ...facts, app: withoutDocs })).toContain('  http://127.0.0.1:3000/docs           API docs: off until `npm install @fastify/swagger-ui`');
    const withDocs = Fastify();
    withDocs.get('/docs', async () => 'the page');
    await withDocs.ready();
    expect(bannerLines({ ...facts, app: withDocs })).toContain('  http://127.0.0.1:3000/docs           API docs');
    await Promise.all([withoutDocs.close(), withDocs.close()]);
  });
});
