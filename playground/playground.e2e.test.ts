// The playground as a person uses it: `startDevServer` (what `npm start` runs: the server, the
// embedded simulator, /playground) on port 0 over a throwaway PostgreSQL schema, the page in
// headless Chromium, every scenario played by clicks. Each check is what the page shows: the
// lit state, the machine's event log, the page stack, the stored token, the server's events.
// A screenshot of each scenario goes to test-results/playground/.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import type { RunningServer } from '../server/start.js';
import { startDevServer } from '../dev/start.js';
import { TEST_DATABASE_URL } from '../testing/databases.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOTS = join(process.cwd(), 'test-results', 'playground');
// A step is a click's outcome showing. The slowest wait out a scenario's backoffs (two of
// 500 ms): 1.5–1.8 s beside three CPU burners, the others under 0.4 s. 8 s is four times the
// slowest, and a test's few steps stay within its 30 s.
const STEP_TIMEOUT_MS = 8_000;

const schema = `playground_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
let server: RunningServer;
let profileDir: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE SCHEMA "${schema}"`);
  const database = new URL(TEST_DATABASE_URL);
  database.searchParams.set('options', `-c search_path=${schema}`);
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    SIM_PORT: '0',
    DATABASE_URL: database.toString(),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'silent',
  });
  server = await startDevServer(config, { logger: createLogger({ level: 'silent' }) });
  rmSync(SCREENSHOTS, { recursive: true, force: true }); // this run's screenshots only
  mkdirSync(SCREENSHOTS, { recursive: true });
  profileDir = mkdtempSync(join(tmpdir(), 'miniauth-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/playground`);
  await page.locator('#chart svg').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await server?.close();
  await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
});

// What the page shows.

const text = (selector: string): Promise<string> => page.locator(selector).innerText();

async function waitForState(state: string): Promise<void> {
  await page.waitForFunction(`document.getElementById('state').textContent === ${JSON.stringify(state)}`, null, { timeout: STEP_TIMEOUT_MS });
}

async function waitForText(selector: string, pattern: RegExp): Promise<string> {
  await page.waitForFunction(
    `${pattern}.test(document.querySelector(${JSON.stringify(selector)}).innerText)`,
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  return text(selector);
}

/** The chart's lit atomic state: the node Graphviz titled with the state id. */
async function litState(): Promise<string> {
  return (await page.locator('#chart g.node.lit > title').textContent()) ?? '';
}

async function stack(): Promise<string[]> {
  return page.locator('#stack li').allInnerTexts();
}

/** A list item as the page's DOM has it (this file is compiled without the DOM's types). */
type ListItem = HTMLElement & { getAttribute(name: string): string | null };

async function serverEvents(): Promise<string[]> {
  return page.locator('#server-events li[data-type]').evaluateAll<string[], undefined, ListItem>((items) => items.map((item) => item.getAttribute('data-type') ?? ''));
}

async function loggedEvents(): Promise<string[]> {
  return page.locator('#log li').evaluateAll<string[], undefined, ListItem>((items) => items.map((item) => item.getAttribute('data-type') ?? ''));
}

async function play(scenario: string): Promise<void> {
  await page.click(`button[data-scenario="${scenario}"]`);
  // The click empties the log; the scenario has begun once its phone logs an event. Until then
  // (a fault being armed, an openid fetched) the page still shows the last scenario's state,
  // which a wait for a state would take for this one's.
  await page.waitForFunction(`document.querySelectorAll('#log li').length > 0`, null, { timeout: STEP_TIMEOUT_MS });
}

async function tap(action: string): Promise<void> {
  await page.click(`button[data-action="${action}"]`);
}

let shot = 0;
async function screenshot(name: string): Promise<void> {
  shot += 1;
  await page.screenshot({ path: join(SCREENSHOTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe('the playground, played by clicks', () => {
  it('new user: registered silently, the login box waits, sharing the profile signs in', async () => {
    await play('new-user');
    await waitForState('session.awaitingConsent');
    expect(await litState()).toBe('login.session.awaitingConsent');
    expect(await page.locator('#chart g.cluster.lit > title').textContent()).toBe('cluster_login.session');
    const log = await text('#log');
    expect(log).toContain('xstate.done.actor.wxLogin {"output":{"code":"[masked code #1]"}');
    expect(log).toMatch(/xstate\.done\.actor\.exchangeCode .*"token":"\[masked token #1\]"/);
    await waitForText('#server-events', /UserLoggedIn/);

    await tap('shareProfile');
    await waitForState('session.signedIn');
    expect(await litState()).toBe('login.session.signedIn');
    expect(await stack()).toEqual(['pages/index/index']);
    expect(await text('#token')).toMatch(/^eyJhbG…\S{4} \(\d+ chars, expires in (6 d 23|7 d 0) h/);
    await waitForText('#server-events', /ProfileUpdated/);
    expect(await serverEvents()).toEqual(['UserRegistered', 'UserLoggedIn', 'ProfileUpdated']);
    expect(await text('#log')).not.toMatch(JWT);
    await screenshot('new-user');
  });

  it('same phone: signed in at once from storage, no wx.login, the first call proves it', async () => {
    await play('same-phone');
    await waitForText('#answer', /GET \/me → HTTP 200/);
    expect(await text('#state')).toBe('session.signedIn');
    expect(await loggedEvents()).not.toContain('xstate.done.actor.wxLogin');
    expect(await loggedEvents()).toContain('LAUNCH');
    expect(await text('#log')).toContain('→ session.signedIn');
    await screenshot('same-phone');
  });

  it('reinstall: a fresh login finds the user, asks no consent, registers nobody', async () => {
    await play('reinstall');
    await waitForState('session.signedIn');
    expect(await loggedEvents()).toContain('xstate.done.actor.exchangeCode');
    expect(await text('#log')).not.toContain('awaitingConsent');
    await waitForText('#server-events', /UserLoggedIn[\s\S]*UserLoggedIn/);
    expect(await serverEvents()).toEqual(['UserRegistered', 'UserLoggedIn', 'ProfileUpdated', 'UserLoggedIn']);
    await screenshot('reinstall');
  });

  it('token expired: back from the background, one silent re-login; a revoked token is replaced on the next call', async () => {
    const before = await text('#token');
    await play('token-expired');
    await waitForText('#log', /SHOW[\s\S]*→ session\.signedIn/);
    await waitForState('session.signedIn');
    expect(await text('#log')).toContain('→ reauthenticating.obtainingCode');
    expect(await text('#token')).not.toBe(before);
    await waitForText('#phone-clock', /^now$/); // the phone's clock agrees with the server's again

    await tap('revokeOnServer');
    await waitForText('#answer', /logout-all .*HTTP 200/);
    await tap('callMe');
    await waitForText('#answer', /GET \/me → HTTP 200/);
    const log = await text('#log');
    expect(log).toMatch(/LOGIN_GONE .*"token":"\[masked token #\d\]"/);
    await waitForText('#server-events', /SessionsRevoked[\s\S]*UserLoggedIn/);
    await screenshot('token-expired');
  });

  it('shared card, new user: to the login page and back to the card, one page on the stack', async () => {
    await play('shared-card');
    await waitForState('session.awaitingConsent');
    expect(await stack()).toEqual(['pages/login/index']);
    await tap('shareProfile');
    await waitForState('session.signedIn');
    await waitForText('#stack', /share/);
    expect(await stack()).toEqual(['pages/share/index?invite=42']);
    await screenshot('shared-card');
  });

  it('consent denied: nothing sent, the box stays; allowing later signs in', async () => {
    await play('consent-denied');
    await waitForState('session.awaitingConsent');
    expect(await page.locator('#profile-answer').inputValue()).toBe('deny');
    await tap('shareProfile');
    await waitForState('session.consentDenied');
    expect(await litState()).toBe('login.session.consentDenied');
    await screenshot('consent-denied');
    const events = await serverEvents();
    expect(events).not.toContain('ProfileUpdated');

    await page.selectOption('#profile-answer', 'allow');
    await tap('shareProfile');
    await waitForState('session.signedIn');
    await waitForText('#server-events', /ProfileUpdated/);
  });

  it('network down: backs off, stops in failed with a toast; back online, Retry signs in', async () => {
    await play('network-down');
    await waitForState('failed.stopped');
    expect(await litState()).toBe('login.failed.stopped');
    expect(await text('#log')).toContain('→ authenticating.backingOff');
    expect(await text('#screen')).toMatch(/toast: /);
    expect(await text('#server-events')).toContain('no user on the server yet');
    await screenshot('network-down');

    await page.selectOption('#network', 'online');
    await tap('retry');
    await waitForState('session.awaitingConsent');
  });

  it('WeChat busy: two errcode -1 answers, two backoffs, then signed in; the server kept both failures', async () => {
    await play('wechat-busy');
    await waitForState('session.awaitingConsent');
    const log = await text('#log');
    expect(log.match(/→ authenticating\.backingOff/g)).toHaveLength(2);
    expect(log).toMatch(/xstate\.error\.actor\.exchangeCode .*WECHAT_BUSY/);
    await waitForText('#server-events', /UserLoggedIn/);
    expect(await serverEvents()).toEqual(['LoginFailed', 'LoginFailed', 'UserRegistered', 'UserLoggedIn']);
    const failures = await page.locator('#server-events li.failed').allInnerTexts();
    for (const failure of failures) expect(failure).toMatch(/^(?=.*errcode=-1)(?=.*reason=WECHAT_BUSY)(?=.*rid=\S+)/);
    await screenshot('wechat-busy');
    expect(pageErrors).toEqual([]);
  });
});

describe('the playground\'s server routes', () => {
  it('answers a missing openid with a typed error, an unknown one with no events', async () => {
    const missing = await fetch(`${server.url}/playground/api/events`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 0, error: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) });
    const unknown = await fetch(`${server.url}/playground/api/events?openid=o_nobody`);
    expect(await unknown.json()).toEqual({ openid: 'o_nobody', userId: null, events: [] });
  });

  it('forwards the simulator\'s device paths, and nothing else', async () => {
    const user = await fetch(`${server.url}/playground/sim/__sim/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: server.config.wechat.apps[0]!.appId }),
    });
    expect(user.ok).toBe(true);
    expect(await user.json()).toMatchObject({ openid: expect.any(String) });
    const outside = await fetch(`${server.url}/playground/sim/__sim/%2e%2e/sns/jscode2session?appid=x`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ code: 0, error: 'NOT_FOUND' });
  });

  it('keeps the playground out of the API document', async () => {
    const answer = await fetch(`${server.url}/openapi.json`);
    const document = JSON.stringify(await answer.json());
    expect(document).toContain('/wx/login');
    expect(document).not.toContain('/playground');
  });

  it('privacy popup agreed: the held phone tap goes on once after "Agree"', async () => {
    await play('privacy-consent');
    await waitForState('session.signedIn');
    await tap('bindPhone');
    await waitForState('session.privacy.needed');
    await tap('agreePrivacy');
    await waitForText('#server-events', /PhoneNumberBound/);
    await waitForState('session.signedIn');
    await screenshot('privacy-consent');
  });
});
