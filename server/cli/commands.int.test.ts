// The CLI's commands against the real PostgreSQL (each file run in its own schemas), with one
// server running for the file: events and rebuild work beside it, as they would in production.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_APP } from '../config.js';
import { runCli, STACK_LINE, startCli, stopCli, type RunningCli } from '../testing/cli-harness.js';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
// Trust auth ignores it; the banner must still never show it.
const PASSWORD = 'not-shown-anywhere';

// Each CLI run starts a process under tsx: 2–4 s beside three CPU burners, 20 s once at the
// heaviest load seen. A test that makes several gets that much per run.
const RUN_MS = 20_000;

const admin = new pg.Pool({ connectionString: POSTGRES, max: 2 });
const schemas: string[] = [];
let cwd: string;
let server: RunningCli | undefined;
let serverUrl: string;
let simulatorUrl: string;
let banner: string;

/** A fresh schema, and a DATABASE_URL whose connections work in it. */
async function freshDatabase(): Promise<{ schema: string; url: string }> {
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return { schema, url: `postgres://postgres:${PASSWORD}@127.0.0.1:5432/test?options=${options}` };
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(answer.status, `${url} answered ${answer.status}`).toBe(200);
  return (await answer.json()) as T;
}

/** A user on the simulated phone, signed in to the server `times` times. */
async function signIn(openid: string, times: number): Promise<void> {
  await post(`${simulatorUrl}/__sim/users`, { openid });
  for (let i = 0; i < times; i++) {
    const { code } = await post<{ code: string }>(`${simulatorUrl}/__sim/login`, { openid });
    await post(`${serverUrl}/wx/login`, { code });
  }
}

let database: { schema: string; url: string };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'miniauth-cli-'));
  database = await freshDatabase();
  server = startCli(['serve'], { cwd, env: { DATABASE_URL: database.url, PORT: '0', SIM_PORT: '0', LOG_LEVEL: 'warn' } });
  banner = await server.waitForOutput(/Ctrl-C stops the server/, 50_000);
  serverUrl = /listening on (http:\/\/\S+)/.exec(banner)![1]!;
  simulatorUrl = /the simulator at (http:\/\/\S+)/.exec(banner)![1]!;
});

afterAll(async () => {
  await stopCli(server);
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  rmSync(cwd, { recursive: true, force: true });
});

describe('miniauth serve on PostgreSQL', () => {
  it('names the database host in the banner, never the password', () => {
    expect(banner).toContain('PostgreSQL at 127.0.0.1:5432/test');
    expect(banner).not.toContain(PASSWORD);
    expect(server!.stderr()).not.toContain(PASSWORD);
  });
});

describe('miniauth events', () => {
  it("lists a user's registration and logins, newest last, as JSON and as a table, without session keys; exit 1 for a stranger", async () => {
    await signIn('o_cli_events', 2);
    const env = { DATABASE_URL: database.url };
    const [json, table, nobody] = await Promise.all([
      runCli(['events', '--openid', 'o_cli_events', '--json'], { cwd, env }),
      runCli(['events', '--openid', 'o_cli_events', '--app', SIMULATOR_APP.appId], { cwd, env }),
      runCli(['events', '--openid', 'o_nobody'], { cwd, env }),
    ]);
    expect(json.code).toBe(0);
    const trail = JSON.parse(json.stdout) as { appId: string; openid: string; events: Array<{ type: string; position: number; at: string }> };
    expect(trail).toMatchObject({ appId: SIMULATOR_APP.appId, openid: 'o_cli_events' });
    expect(trail.events.map((event) => event.type)).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoggedIn']);
    const positions = trail.events.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toContain('openid o_cli_events');
    expect(rows.slice(1).map((row) => row.split(/\s+/)[2])).toEqual(['UserRegistered', 'UserLoggedIn', 'UserLoggedIn']);
    for (const output of [json.stdout, table.stdout]) expect(output).not.toMatch(/session_?key/i);

    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain(`no user with openid o_nobody in app ${SIMULATOR_APP.appId}`);
  }, 3 * RUN_MS);
});

describe('miniauth phone-quota', () => {
  it("prints each package as WeChat's usage API gives it, matching the simulator's ledger", async () => {
    await signIn('o_cli_quota', 1);
    await fetch(`${simulatorUrl}/__sim/phone-quota`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ packages: [{ all: 1000, used: 998, source: 1 }, { all: 500, used: 10 }, { all: 200, status: 3 }] }),
    });
    for (let i = 0; i < 3; i++) await post(`${simulatorUrl}/__sim/phone-code`, { openid: 'o_cli_quota' });
    const ledger = (await (await fetch(`${simulatorUrl}/__sim/phone-quota`)).json()) as { packages: Array<{ pkgId: string; all: number; used: number }> };
    // The server's own view of WeChat: the simulator's address, the simulator's app.
    const env = { WECHAT_APPID: SIMULATOR_APP.appId, WECHAT_SECRET: SIMULATOR_APP.secret, WECHAT_API_BASE: simulatorUrl, DATABASE_URL: 'memory' };
    const [json, table] = await Promise.all([runCli(['phone-quota', '--json'], { cwd, env }), runCli(['phone-quota'], { cwd, env })]);
    expect(json.code, json.stderr).toBe(0);
    const [quota] = JSON.parse(json.stdout) as Array<{ appId: string; left: number; used: number; all: number; packages: Array<{ id: string; status: string; all: number; used: number }> }>;
    expect(quota!.packages.map(({ id, all, used }) => ({ pkgId: id, all, used }))).toEqual(ledger.packages.map(({ pkgId, all, used }) => ({ pkgId, all, used })));
    expect(quota).toMatchObject({ appId: SIMULATOR_APP.appId, all: 1700, used: 1011, left: 489 });
    expect(quota!.packages.map((pkg) => pkg.status)).toEqual(['active', 'active', 'expired']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${SIMULATOR_APP.appId}: 489 left in active packages (1011 of 1700 used in all)`);
    expect(table.stdout).toMatch(/trial\s+1000\/1000 used/);
    expect(table.stdout + json.stdout).not.toContain(SIMULATOR_APP.secret);
  }, 2 * RUN_MS);
});

describe('miniauth export, and consent in miniauth events', () => {
  it("prints a person's data and consent history without session keys; after erasure none of it", async () => {
    await post(`${simulatorUrl}/__sim/users`, { openid: 'o_cli_export' });
    const { code } = await post<{ code: string }>(`${simulatorUrl}/__sim/login`, { openid: 'o_cli_export' });
    const { token } = await post<{ token: string }>(`${serverUrl}/wx/login`, { code });
    const signed = (method: string, path: string, body?: unknown) =>
      fetch(`${serverUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect((await signed('POST', '/me/consent', { decision: 'given', guideVersion: 'v3' })).status).toBe(200);
    expect((await signed('POST', '/me/consent', { decision: 'withdrawn', guideVersion: 'v3' })).status).toBe(200);
    expect((await signed('PUT', '/me/profile', { nickname: 'Ada', avatarUrl: 'https://img.example/ada.png' })).status).toBe(200);

    const env = { DATABASE_URL: database.url };
    const [exported, events] = await Promise.all([
      runCli(['export', '--openid', 'o_cli_export'], { cwd, env }),
      runCli(['events', '--openid', 'o_cli_export'], { cwd, env }),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout) as Record<string, unknown>;
    expect(data).toMatchObject({
      erased: false,
      personalData: { openid: 'o_cli_export', nickname: 'Ada' },
      consent: { decision: 'withdrawn', guideVersion: 'v3' },
      consentHistory: [{ decision: 'given', guideVersion: 'v3' }, { decision: 'withdrawn', guideVersion: 'v3' }],
    });
    expect(events.stdout).toMatch(/ConsentRecorded\s+decision=given guideVersion=v3/);
    expect(events.stdout).toMatch(/ConsentRecorded\s+decision=withdrawn guideVersion=v3/);
    for (const output of [exported.stdout, events.stdout]) expect(output).not.toMatch(/session_?key/i);

    expect((await signed('DELETE', '/me')).status).toBe(200);
    const erased = await runCli(['export', '--openid', 'o_cli_export'], { cwd, env });
    const after = JSON.parse(erased.stdout) as Record<string, unknown>;
    expect(after).toMatchObject({ erased: true, personalData: null, consentHistory: [{ decision: 'given' }, { decision: 'withdrawn' }] });
    expect(erased.stdout).not.toMatch(/o_cli_export|Ada|img\.example/);
  }, 3 * RUN_MS);
});

describe('miniauth export of a person with two identities', () => {
  it('finds the person by either openid and lists both identities', async () => {
    const unionid = `o_cli_union_${Date.now()}`;
    for (const openid of ['o_cli_first', 'o_cli_linked']) {
      await post(`${simulatorUrl}/__sim/users`, { openid, unionid });
      const { code } = await post<{ code: string }>(`${simulatorUrl}/__sim/login`, { openid });
      await post(`${serverUrl}/wx/login`, { code });
    }
    const env = { DATABASE_URL: database.url };
    const exported = await runCli(['export', '--openid', 'o_cli_linked'], { cwd, env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      personalData: {
        openid: 'o_cli_first',
        unionid,
        identities: [{ appId: SIMULATOR_APP.appId, openid: 'o_cli_first' }, { appId: SIMULATOR_APP.appId, openid: 'o_cli_linked' }],
      },
      absorbed: [],
    });
  }, 2 * RUN_MS);
});

describe('miniauth rebuild', () => {
  it('restores the users table from the log exactly as it was built live, reporting progress', async () => {
    await signIn('o_cli_rebuild', 1);
    const snapshot = async () => (await admin.query(`SELECT * FROM ${database.schema}.users ORDER BY id`)).rows;
    const live = await snapshot();
    expect(live.length).toBeGreaterThanOrEqual(1);
    // A damaged projection: the rebuild has to bring every row back from the log.
    await admin.query(`DELETE FROM ${database.schema}.users`);

    const result = await runCli(['rebuild'], { cwd, env: { DATABASE_URL: database.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^users: rebuilt from \\d+ events, ${live.length} rows$`, 'm'));
    expect(result.stderr).toMatch(/^users: (\d+)\/\1 events \(100%\)$/m);
    expect(await snapshot()).toEqual(live);
  });
});

describe('miniauth migrate', () => {
  it('applies the migrations once, and is content when run again', async () => {
    const { url } = await freshDatabase();
    const first = await runCli(['migrate'], { cwd, env: { DATABASE_URL: url } });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migrations: 001_event_store, 002_users/);
    const second = await runCli(['migrate'], { cwd, env: { DATABASE_URL: url } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  }, 2 * RUN_MS);
});

describe('bad configuration', () => {
  it('prints one line per bad environment value and exits 1 without a stack, starting nothing', async () => {
    const result = await runCli(['serve'], { cwd, env: { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'memory' } });
    expect(result.code).toBe(1);
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  '));
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}PORT: expected a whole number/),
      expect.stringMatching(/^ {2}LOG_LEVEL: expected fatal, error/),
    ]);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe('');
  });

  it('refuses the simulator in production, saying which setting is missing', async () => {
    const result = await runCli(['serve'], {
      cwd,
      env: { NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: randomBytes(48).toString('base64'), PORT: '0' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('WECHAT_APPID/WECHAT_SECRET (or WECHAT_APPS): required in production');
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).not.toContain('listening on');
  });
});
