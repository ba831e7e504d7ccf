// The console as an operator uses it, in Debian's Chromium (playwright-core, never a downloaded
// browser), on the real server over the simulator and PostgreSQL: sign-in, a person found by
// each key, their timeline, each action confirmed in the page, the charts drawn from what the
// log holds and the phone quota as the background job read it, a nickname that is a script staying text, a forged request from another origin
// refused, and a locked-out operator. WRITE_DOCS_SCREENSHOTS=1 puts the screenshots in
// docs/images/ (committed); otherwise they go to test-results/admin-console/.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/eventually.js';
import { pgTarget } from '../../testing/databases.js';
import { watchPhoneQuota } from '../background-jobs.js';
import { createLogger } from '../log.js';
import { APP, startHarness, type AppHarness } from '../testing/app-harness.js';
import { OPERATORS, operatorEnv } from './testing/operators.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = process.env['WRITE_DOCS_SCREENSHOTS'] === '1' ? join(process.cwd(), 'docs', 'images') : join(process.cwd(), 'test-results', 'admin-console');
const STEP_TIMEOUT_MS = 10_000;
const HOSTILE_NICKNAME = '<img src=x onerror="window.pwned=1">';

/** The page's DOM, as the test reaches it (this file is compiled without the DOM's types). */
interface PageNode {
  textContent: string | null;
  value?: string;
  dataset: Record<string, string | undefined>;
}
type PageWindow = { document: { getElementById(id: string): PageNode | null } };

/** Waits until the element's text matches (a function predicate: the page's CSP forbids eval). */
function waitForText(page: Page, id: string, pattern: RegExp): Promise<unknown> {
  return page.waitForFunction(
    ([elementId, source, flags]) => new RegExp(source!, flags).test((globalThis as unknown as PageWindow).document.getElementById(elementId!)?.textContent ?? ''),
    [id, pattern.source, pattern.flags],
  );
}

/** Waits until the element's data-<key> is the value. */
function waitForData(page: Page, id: string, key: string, value: string): Promise<unknown> {
  return page.waitForFunction(
    ([elementId, name, expected]) => (globalThis as unknown as PageWindow).document.getElementById(elementId!)?.dataset[name!] === expected,
    [id, key, value],
  );
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

interface Person {
  openid: string;
  unionid: string;
  phone: string;
  userId: string;
  token: string;
}

describe('the admin console in Chromium', () => {
  let h: AppHarness;
  let base: string;
  let evil: Server;
  let evilBase: string;
  let profileDir: string;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  let someone: Person;
  let hostile: Person;

  async function person(nickname?: string): Promise<Person> {
    const suffix = Math.random().toString(36).slice(2, 10);
    const phone = `1380013${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const { openid } = await h.device.createUser({ unionid: `o6_union_${suffix}`, phone });
    const login = await h.login(openid);
    const userId = String((login.body['user'] as { id: string }).id);
    const auth = { authorization: `Bearer ${login.token}` };
    expect((await h.inject({ method: 'POST', url: '/me/phone', headers: auth, payload: { code: await h.device.phoneCode(openid) } })).statusCode).toBe(200);
    if (nickname !== undefined) {
      const answer = await h.inject({ method: 'PUT', url: '/me/profile', headers: auth, payload: { nickname, avatarUrl: 'https://a.example/x.png?"><img/src=x/onerror=window.pwned=2>' } });
      expect(answer.statusCode, answer.body).toBe(200);
    }
    return { openid, unionid: `o6_union_${suffix}`, phone, userId, token: login.token };
  }

  async function failedLogin(openid: string, errcode: number): Promise<void> {
    await h.device.fault({ api: 'jscode2session', errcode });
    const answer = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: await h.device.login(openid) } });
    expect(answer.statusCode).toBeGreaterThanOrEqual(400);
  }

  beforeAll(async () => {
    h = await startHarness(pgTarget, { env: await operatorEnv(), phoneQuota: true });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    someone = await person('Xiao Ming');
    hostile = await person(HOSTILE_NICKNAME);
    await h.login(someone.openid);
    await failedLogin(someone.openid, 40029);
    await failedLogin(someone.openid, 45011);
    await failedLogin(hostile.openid, -1);

    // Another origin (same site: 127.0.0.1, another port, so a SameSite cookie is sent along).
    evil = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><title>evil</title>
        <form id="forge" method="POST" enctype="text/plain" action="${base}/admin/api/people/${someone.userId}/erase">
          <input name='{"confirm":"${someone.userId}","x":"' value='"}'>
        </form>`);
    });
    evilBase = await new Promise<string>((resolve) => evil.listen(0, '127.0.0.1', () => {
      const address = evil.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }));

    mkdirSync(SCREENSHOTS, { recursive: true });
    profileDir = mkdtempSync(join(tmpdir(), 'miniauth-admin-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1440, height: 1000 } });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await new Promise((resolve) => (evil ? evil.close(resolve) : resolve(undefined)));
    await h?.close();
  });

  const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `admin-console-${name}.png`), fullPage: true });

  async function signIn(name: string, password: string): Promise<void> {
    await page.locator('#sign-in-name').fill(name);
    await page.locator('#sign-in-password').fill(password);
    await page.locator('#sign-in button[type=submit]').click();
  }

  async function events(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    return (await h.db.query(sql, params)).rows;
  }

  async function count(type: string): Promise<number> {
    return Number((await events('SELECT count(*) AS n FROM events WHERE type = $1', [type]))[0]?.['n']);
  }

  /** The legend of a chart: series name → total in the range. */
  async function legend(chart: string): Promise<Record<string, number>> {
    const items = await page.locator(`#chart-${chart} .legend span[data-series]`).allInnerTexts();
    return Object.fromEntries(items.map((item) => {
      const [name, total] = item.split(': ');
      return [name, Number(total)];
    }));
  }

  async function search(key: string, value: string): Promise<void> {
    await page.locator('#search-key').selectOption(key);
    await page.locator('#search-value').fill(value);
    await page.locator('#search button[type=submit]').click();
  }

  it('asks an operator to sign in, then shows the console', async () => {
    await page.goto(`${base}/admin`);
    await page.locator('#sign-in-panel').waitFor({ state: 'visible' });
    await screenshot('sign-in');
    await signIn('alice', OPERATORS.alice);
    await page.locator('#console').waitFor({ state: 'visible' });
    expect(await page.locator('#operator').innerText()).toBe('alice');
    const cookies = await browser.cookies(`${base}/admin`);
    expect(cookies.find((cookie) => cookie.name === 'miniauth_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
  });

  it('draws the charts from what the log holds', async () => {
    // Nothing read yet: the quota says so rather than showing a number.
    await waitForText(page, 'chart-quota', /not read yet/);
    expect(await page.locator(`#chart-quota [data-quota="${APP.appId}"]`).innerText()).toBe(`${APP.appId}: not read yet`);
    const ledger = await h.device.setPhoneQuota([{ all: 1000, used: 1000, source: 1 }, { all: 5000, used: 4980, source: 2 }], APP.appId);
    await watchPhoneQuota(h.quotaJob!, createLogger({ level: 'silent' }))();
    const logins = await count('UserLoggedIn');
    const registrations = await count('UserRegistered');
    const phones = await count('PhoneNumberBound');
    // Failed logins reach their table once older transactions of the cluster have ended: refresh until they show.
    await eventually(async () => {
      await page.locator('#refresh-charts').click();
      await page.locator('#chart-errcodes .legend span[data-series="-1"]').waitFor({ timeout: 1000 });
      expect(await legend('errcodes')).toEqual({ '40029': 1, '45011': 1, '-1': 1 });
    }, 2 * STEP_TIMEOUT_MS);
    expect(await legend('logins')).toEqual({ logins, registrations });
    expect(await legend('phones')).toEqual({ 'numbers bought': phones });
    expect(await legend('failures')).toEqual({ WECHAT_CODE_INVALID: 1, WECHAT_RATE_LIMITED: 1, WECHAT_BUSY: 1 });
    // One point a minute over the hour, and the busiest minute at the top of the plot.
    const points = await page.locator('#chart-logins polyline[data-series="logins"]').getAttribute('points');
    const ys = (points ?? '').split(' ').map((point) => Number(point.split(',')[1]));
    expect(ys).toHaveLength(60);
    expect(Math.min(...ys)).toBe(10); // the top padding: the busiest bucket reaches the y maximum
    expect(Number(await page.locator("#chart-logins text.y-max").textContent())).toBeGreaterThan(0);
    // The phone-number quota, as the job read it from the simulator's ledger: per app and per package, as text.
    const app = page.locator(`#chart-quota .quota-row[data-quota="${APP.appId}"]`);
    expect(await app.getAttribute('data-left')).toBe('20');
    expect(await app.getAttribute('data-all')).toBe('6000');
    expect(await app.innerText()).toContain('20 left of 6000');
    for (const pkg of ledger.packages) {
      const row = page.locator(`#chart-quota .quota-row[data-quota="${APP.appId}/${pkg.pkgId}"]`);
      expect(await row.locator('.quota-label').textContent()).toBe(`package ${pkg.pkgId} (active, ends ${new Date(pkg.endTime * 1000).toISOString().slice(0, 10)})`);
      expect(await row.locator('.quota-numbers').textContent()).toBe(`${pkg.all - pkg.used} left of ${pkg.all}`);
    }
    expect(await page.locator('#chart-quota *:not(figcaption, div, span, p, svg, rect)').count()).toBe(0);
    await screenshot('charts');
  });

  it('finds a person by openid, unionid, user id and the last digits of the phone, and shows the timeline', async () => {
    for (const [key, value] of [['openid', someone.openid], ['unionid', someone.unionid], ['userId', someone.userId], ['phone', someone.phone.slice(-6)]] as const) {
      await page.evaluate(`document.getElementById('person-id').textContent = ''`);
      await search(key, value);
      await page.locator(`#results tr[data-user-id="${someone.userId}"]`).waitFor();
      await waitForText(page, 'person-id', exactly(someone.userId));
    }
    const types = await page.evaluate(`[...document.querySelectorAll('#timeline tbody tr')].map((row) => row.dataset.type)`);
    expect(types).toEqual(expect.arrayContaining(['UserRegistered', 'UserLoggedIn', 'ProfileUpdated', 'PhoneNumberBound', 'LoginFailed']));
    const failure = page.locator('#timeline tr[data-type="LoginFailed"]', { hasText: '40029' });
    expect(await failure.locator('td.wechat').innerText()).toMatch(/errcode 40029 WECHAT_CODE_INVALID: The login code is invalid.*\nrid [\w-]+/s);
    expect(await page.locator('#timeline tr[data-type="LoginFailed"]', { hasText: '45011' }).locator('td.wechat').innerText()).toContain('WECHAT_RATE_LIMITED');
    await screenshot('person');
  });

  it('keeps a nickname that is a script as text', async () => {
    await search('openid', hostile.openid);
    await waitForText(page, 'person-id', exactly(hostile.userId));
    expect(await page.locator(`#results tr[data-user-id="${hostile.userId}"] td`).nth(3).innerText()).toBe(HOSTILE_NICKNAME);
    expect(await page.locator('#person-fields dd[data-field="nickname"]').innerText()).toBe(HOSTILE_NICKNAME);
    expect(await page.locator('#timeline td.details', { hasText: 'onerror' }).innerText()).toContain(`nickname: ${HOSTILE_NICKNAME}`);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await screenshot('hostile-nickname');
  });

  async function act(action: string, confirmWith: string): Promise<void> {
    await page.locator(`#action-${action}`).click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await page.locator('#confirm-input').fill(confirmWith);
    await page.locator('#confirm-ok').click();
  }

  async function operatorActions(userId: string): Promise<string[]> {
    const rows = await events(`SELECT data ->> 'action' AS action, data ->> 'operator' AS operator FROM events WHERE type = 'OperatorActed' AND data ->> 'userId' = $1 ORDER BY global_position`, [userId]);
    return rows.map((row) => `${String(row['operator'])}:${String(row['action'])}`);
  }

  it('logs a person out everywhere once confirmed, on record under the operator', async () => {
    await search('userId', someone.userId);
    await waitForText(page, 'person-id', exactly(someone.userId));
    // A wrong confirmation does nothing.
    await act('logout-everywhere', 'not the id');
    await waitForText(page, 'action-result', /Confirm the action/);
    expect(await operatorActions(someone.userId)).toEqual([]);
    await page.locator('#action-logout-everywhere').click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await screenshot('confirm');
    await page.locator('#confirm-input').fill(someone.userId);
    await page.locator('#confirm-ok').click();
    await waitForText(page, 'action-result', /Done: Log out everywhere/);
    expect(await page.locator('#timeline tr[data-type="SessionsRevoked"]').innerText()).toContain('by alice');
    expect(await operatorActions(someone.userId)).toEqual(['alice:logout_everywhere']);
    expect((await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${someone.token}` } })).statusCode).toBe(401);
  });

  it("exports a person's data once confirmed", async () => {
    await act('export', someone.userId);
    await page.locator('#export-link').waitFor({ state: 'visible' });
    const download = page.waitForEvent('download');
    await page.locator('#export-link').click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { person: { id: string; phone: string } };
    expect(exported.person).toMatchObject({ id: someone.userId, phone: someone.phone });
    expect(await operatorActions(someone.userId)).toEqual(['alice:logout_everywhere', 'alice:export']);
  });

  it('refuses a forged erase from another origin, though the browser sends the cookie along', async () => {
    await page.goto(`${evilBase}/`);
    await page.evaluate(`document.getElementById('forge').submit()`);
    await page.waitForURL(`${base}/admin/api/people/${someone.userId}/erase`);
    const answer = JSON.parse(await page.locator('body').innerText()) as Record<string, unknown>;
    expect(answer).toEqual({ code: 0, error: 'ADMIN_ORIGIN_REFUSED', message: expect.any(String) });
    // And a script of the other origin cannot read the console's API.
    await page.goto(`${evilBase}/`);
    const read = await page.evaluate(`fetch(${JSON.stringify(`${base}/admin/api/session`)}, { credentials: 'include' }).then((r) => r.text(), (e) => 'blocked: ' + e.message)`);
    expect(String(read)).toMatch(/^blocked/);
    const [user] = await events('SELECT erased_at FROM users WHERE id = $1', [someone.userId]);
    expect(user?.['erased_at']).toBeNull();
    expect(await operatorActions(someone.userId)).toEqual(['alice:logout_everywhere', 'alice:export']);
  });

  it('erases a person once confirmed', async () => {
    await page.goto(`${base}/admin`);
    await page.locator('#console').waitFor({ state: 'visible' });
    await search('userId', someone.userId);
    await waitForText(page, 'person-id', exactly(someone.userId));
    await act('erase', someone.userId);
    await waitForText(page, 'action-result', /Done: Erase/);
    expect(await page.locator('#person-fields dd[data-field="erasedAt"]').innerText()).toMatch(/^\d{4}-/);
    expect(await page.locator('#person-fields dd[data-field="nickname"]').innerText()).toBe('—');
    expect(await page.locator('#timeline tr[data-type="UserErased"]').innerText()).toContain('by alice');
    expect(await operatorActions(someone.userId)).toEqual(['alice:logout_everywhere', 'alice:export', 'alice:erase']);
    await screenshot('erased');
  });

  it('locks out an operator after three failed sign-ins', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#sign-in-panel').waitFor({ state: 'visible' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await signIn('carol', `guess ${attempt}`);
      await waitForData(page, 'sign-in-error', 'error', 'ADMIN_SIGN_IN_FAILED');
      await page.evaluate(`document.getElementById('sign-in-error').dataset.error = ''`);
    }
    await signIn('carol', OPERATORS.carol);
    await waitForData(page, 'sign-in-error', 'error', 'ADMIN_LOCKED_OUT');
    expect(await page.locator('#sign-in-error').innerText()).toMatch(/locked out/);
    expect(await page.locator('#console').isVisible()).toBe(false);
    await screenshot('locked-out');
    expect(pageErrors).toEqual([]);
  });
});
