// The built mini program file, run as a phone would run it: a context with only ECMAScript
// built-ins, timers, console and the simulator's `wx`, signing a fresh user in against the
// real server and the simulator.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIMULATOR_APP } from '../server/config.js';
import { createWxRuntime } from '../simulator/index.js';
import { buildMiniprogram } from './build.js';
import type { World } from './testing/e2e-world.js';
import { eventually, PAGES, startWorld } from './testing/e2e-world.js';

let world: World;
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'miniauth-bundle-'));
  const [started, report] = await Promise.all([startWorld(), buildMiniprogram(join(dir, 'miniauth.js'))]);
  world = started;
  bundle = readFileSync(report.file, 'utf8');
});
afterAll(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

interface BundledAuth {
  start(launch: unknown): void;
  getView(): { signedIn: boolean };
  getToken(): string | null;
  stop(): void;
}

it('signs a fresh user in from inside a bare JS context', async () => {
  const runtime = createWxRuntime({ simulatorUrl: world.simulatorUrl, appId: SIMULATOR_APP.appId, pages: PAGES });
  const context = createContext({ console, setTimeout, clearTimeout, wx: runtime.wx });
  const load = runInContext(`(function (module, exports) {${bundle}\n})`, context);
  const module = { exports: {} as Record<string, (...args: unknown[]) => unknown> };
  load(module, module.exports);

  const before = await world.events();
  const sdk = module.exports;
  const auth = sdk['createMiniAuth']!({ baseURL: world.apiUrl, platform: sdk['wxPlatform']!(runtime.wx) }) as BundledAuth;
  try {
    auth.start(runtime.sim.launch({ path: 'pages/index/index' }));
    await eventually(() => auth.getView().signedIn, 'signed in');
    expect(auth.getToken()).toMatch(/^ey/);
    expect((await world.events()).slice(before.length)).toEqual(['UserRegistered', 'UserLoggedIn']);
  } finally {
    auth.stop();
  }
});
