// docs/flows.md's recipe for watching a live session in Stately's browser inspector, run as
// written in headless Chromium: a page on the development server (`startDevServer`, the
// simulator embedded) creates the browser inspector and the SDK with maskingInspector, and
// logs a new user in. The inspector window it opens at https://stately.ai/inspect is served
// here by @statelyai/inspect's own receiver (nothing leaves the machine): the login completes,
// and nothing the inspector was sent holds the token or a login code.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../dev/start.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import type { RunningServer } from '../server/start.js';
import { TEST_DATABASE_URL } from '../testing/databases.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const INSPECTOR_URL = 'https://stately.ai/inspect';
// The login and the inspector's messages take well under a second alone, a few on a busy machine.
const WAIT_MS = 20_000;

const schema = `inspector_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
let server: RunningServer;
let profileDir: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function bundle(file: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./testing/${file}`, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' },
  });
  return result.outputFiles[0]!.text;
}

const html = (script: string) => `<!doctype html><meta charset="utf-8"><body><script type="module">${script}</script></body>`;

beforeAll(async () => {
  const [recipe, receiver] = await Promise.all([bundle('inspector-recipe.ts'), bundle('inspector-receiver.ts')]);
  await admin(`CREATE SCHEMA "${schema}"`);
  const database = new URL(TEST_DATABASE_URL);
  database.searchParams.set('options', `-c search_path=${schema}`);
  const config = loadConfig({
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SIM_PORT: '0',
    DATABASE_URL: database.toString(), JWT_SECRET: randomBytes(48).toString('base64url'), LOG_LEVEL: 'silent',
  });
  const recipePage = (app: FastifyInstance): void => {
    app.get('/inspector-recipe/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html(recipe)));
  };
  server = await startDevServer(config, { logger: createLogger({ level: 'silent' }), plugins: [recipePage] });

  profileDir = mkdtempSync(join(tmpdir(), 'miniauth-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // Nothing leaves the machine: the inspector window is the receiver, anything else not ours fails.
  await browser.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(INSPECTOR_URL)) return route.fulfill({ contentType: 'text/html; charset=utf-8', body: html(receiver) });
    if (url.startsWith(server.url)) return route.continue();
    return route.abort();
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageErrors.push(String(error.stack)));
  page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await server?.close();
  await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
});

describe("docs/flows.md's browser inspector recipe, in Chromium", () => {
  it('completes a login while the inspector watches, and the inspector sees every secret masked', async () => {
    const inspectorOpened = browser.waitForEvent('page', { timeout: WAIT_MS });
    await page.goto(`${server.url}/inspector-recipe/`);
    const inspectorWindow = await inspectorOpened;
    inspectorWindow.on('pageerror', (error) => pageErrors.push(`inspector: ${error.message}`));
    expect(inspectorWindow.url()).toMatch(/^https:\/\/stately\.ai\/inspect/);

    await page.waitForFunction(() => (globalThis as { recipe?: unknown }).recipe !== undefined, undefined, { timeout: WAIT_MS });
    const recipe = await page.evaluate(() => (globalThis as unknown as { recipe: { signedIn: boolean; token: string; codes: string[]; me: unknown } }).recipe);
    expect(recipe).toMatchObject({ signedIn: true, me: { status: 200, code: 1 } });
    expect(recipe.token).toMatch(/^eyJ/);
    expect(recipe.codes.length).toBeGreaterThanOrEqual(1);

    // The inspector got the session up to signed in: its last snapshot is in the signedIn state.
    await inspectorWindow.waitForFunction(
      () => JSON.stringify((globalThis as unknown as { received: unknown[] }).received).includes('"signedIn"'),
      undefined,
      { timeout: WAIT_MS },
    );
    const received = JSON.stringify(await inspectorWindow.evaluate(() => (globalThis as unknown as { received: unknown[] }).received));
    expect(received).toContain('@xstate.snapshot');
    expect(received).toMatch(/\[masked token #\d+\]/);
    expect(received).not.toContain(recipe.token);
    for (const code of recipe.codes) expect(received).not.toContain(code);
    // Nothing thrown, nothing reported: the inspector's serializer wrote into what it was handed without failing.
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
