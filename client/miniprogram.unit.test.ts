import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInContext, createContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMiniprogram, GZIP_BUDGET_BYTES } from './build.js';
import type { BundleReport } from './build.js';

// A stand-in for WeChat's `wx`: the platform edge, answering like WeChat and the server.
function fakeWx() {
  const storage = new Map<string, unknown>();
  const calls: string[] = [];
  const later = (fn: () => void) => setTimeout(fn, 1);
  const wx = {
    login(options: { success(result: { code: string }): void }) {
      calls.push('login');
      later(() => options.success({ code: 'code-1' }));
    },
    request(options: {
      url: string; method: string; header: Record<string, string>; data: unknown;
      success(result: { statusCode: number; data: unknown; header: Record<string, string> }): void;
    }) {
      calls.push(`${options.method} ${options.url} ${JSON.stringify(options.data ?? null)} ${options.header['Authorization'] ?? ''}`);
      const data = options.url.endsWith('/wx/login')
        ? { code: 1, token: 'jwt-1', expiresAt: '2999-01-01T00:00:00.000Z', isNew: true, user: { id: 'u1', nickname: null } }
        : { code: 1, hello: 'world' };
      later(() => options.success({ statusCode: 200, data, header: { 'Content-Type': 'application/json' } }));
    },
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    redirectTo: (options: { url: string; success?(): void }) => later(() => options.success?.()),
    reLaunch: (options: { url: string; success?(): void }) => later(() => options.success?.()),
    showToast: () => {},
    showLoading: () => {},
    hideLoading: () => {},
  };
  return { wx, storage, calls };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('dist/miniprogram/miniauth.js', () => {
  let dir: string;
  let report: BundleReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'miniauth-bundle-'));
    report = await buildMiniprogram(join(dir, 'miniauth.js'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays under its gzip budget, with xstate inside', () => {
    expect(report.gzipBytes).toBeLessThan(GZIP_BUDGET_BYTES);
    const code = readFileSync(report.file, 'utf8');
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain('AbortController');
  });

  it('holds the SDK and xstate only: no framework binding and no framework', () => {
    const packages = new Set(report.inputs.filter((input) => input.startsWith('node_modules/')).map((input) => input.split('/')[1]));
    expect([...packages]).toEqual(['xstate']);
    expect(report.inputs.filter((input) => /client\/bindings\/(vue|react)|(uni|taro)-platform/.test(input))).toEqual([]);
  });

  it('runs with only ECMAScript built-ins, timers, console and wx, and signs a fresh user in', async () => {
    const { wx, storage, calls } = fakeWx();
    const context = createContext({ console, setTimeout, clearTimeout, wx });
    // The mini program's own CommonJS wrapper: `module` and `exports`, nothing else.
    const load = runInContext(`(function (module, exports) {${readFileSync(report.file, 'utf8')}\n})`, context);
    const module = { exports: {} as Record<string, unknown> };
    load(module, module.exports);
    expect(runInContext('typeof AbortController + typeof process + typeof require', context))
      .toBe('undefinedundefinedundefined');

    const sdk = module.exports as {
      createMiniAuth(options: unknown): {
        start(launch: unknown): void;
        getView(): { signedIn: boolean; state: string };
        request(config: unknown): Promise<{ ok: boolean; data: unknown }>;
      };
      wxPlatform(wx: unknown): unknown;
      authBehavior: unknown;
      isMiniAuthError: unknown;
    };
    expect(typeof sdk.authBehavior).toBe('function');
    const auth = sdk.createMiniAuth({ baseURL: 'https://api.example.com', platform: sdk.wxPlatform(wx) });
    auth.start({ path: 'pages/index/index', query: {} });
    await until(() => auth.getView().signedIn);
    expect(auth.getView()).toMatchObject({ signedIn: true, state: 'session.signedIn' });
    expect(calls.slice(0, 2)).toEqual(['login', 'POST https://api.example.com/wx/login {"code":"code-1"} ']);
    expect(String(storage.get('miniauth:login'))).toContain('jwt-1');

    const answer = await auth.request({ url: '/me' });
    expect(answer).toMatchObject({ ok: true, data: { hello: 'world' } });
    expect(calls.at(-1)).toBe('GET https://api.example.com/me null Bearer jwt-1');
  });
});
