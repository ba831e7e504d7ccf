// `miniauth serve` as `npm start` runs it with no configuration: PGlite in a directory, the
// simulator in-process. One server for the whole file; the tests run in order and the last one
// stops it.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../store/directory-lock.js';
import { DEMO_OPENID, WALKTHROUGH_HEADING } from './banner.js';
import { runCli, STACK_LINE, startCli, stopCli, type RunningCli } from '../testing/cli-harness.js';

const run = promisify(execFile);
const FREE_PORTS = { PORT: '0', SIM_PORT: '0', LOG_LEVEL: 'warn' };
const STARTUP_TIMEOUT_MS = 110_000;

let cwd: string;
let dataDir: string;
let server: RunningCli | undefined;
let banner: string;
let url: string;
let simulatorUrl: string;

function match(pattern: RegExp): string {
  const found = pattern.exec(banner)?.[1];
  if (found === undefined) throw new Error(`no ${pattern} in the banner:\n${banner}`);
  return found;
}

/** The walk-through exactly as printed: the indented lines after its heading, up to an empty line. */
function walkthroughScript(): string {
  const lines = banner.split('\n');
  const start = lines.indexOf(WALKTHROUGH_HEADING);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((line) => line.replace(/^ {2}/, '')).join('\n');
}

beforeAll(async () => {
  cwd = realpathSync(mkdtempSync(join(tmpdir(), 'miniauth-serve-')));
  dataDir = join(cwd, '.miniauth', 'data');
  server = startCli(['serve'], { cwd, env: FREE_PORTS });
  // A fresh PGlite directory is an initdb in WebAssembly: seconds alone, far more on a busy machine.
  banner = await server.waitForOutput(/Ctrl-C stops the server/, STARTUP_TIMEOUT_MS);
  url = match(/listening on (http:\/\/[^\s]+)/);
  simulatorUrl = match(/the simulator at (http:\/\/[^\s]+)/);
}, STARTUP_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await stopCli(server);
  rmSync(cwd, { recursive: true, force: true });
});

describe('miniauth serve on PGlite with the embedded simulator', () => {
  it('prints a banner naming the data directory, the simulator and the URLs to open', async () => {
    expect(banner).toContain(`PGlite in ${dataDir}`);
    expect(existsSync(dataDir)).toBe(true);
    for (const path of ['/healthz', '/docs', '/openapi.json']) expect(banner).toContain(`${url}${path}`);
    expect(banner).toContain(`${simulatorUrl}/__sim/users`);

    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ code: 1, status: 'ok' });
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/wx/login');
    expect((await fetch(`${url}/docs`, { redirect: 'follow' })).status).toBe(200);
  });

  it('signs a user in when the walk-through is pasted into a shell, and the same user on a second paste', async () => {
    const script = walkthroughScript();
    expect(script).toContain('/wx/login');
    const first = await run('bash', ['-c', script], { timeout: 20_000 });
    expect(first.stdout).toContain(`simulator user ${DEMO_OPENID}: HTTP 200`);
    const me = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { code: number; user: { id: string } };
    expect(me.code).toBe(1);
    expect(me.user.id).toMatch(/^[0-9a-f-]{36}$/);
    // The simulator's session_key is not echoed by the walk-through, and the server never sends one.
    expect(first.stdout).not.toMatch(/session_?key/i);

    const second = await run('bash', ['-c', script], { timeout: 20_000 });
    const again = JSON.parse(second.stdout.trim().split('\n').at(-1)!) as { user: { id: string } };
    expect(again.user.id).toBe(me.user.id);
  });

  it('refuses a second server on the same PGlite directory with a clear error, and the first keeps serving', async () => {
    const second = await runCli(['serve'], { cwd, env: FREE_PORTS });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`the PGlite directory ${dataDir} is held by another process (pid ${server!.child.pid})`);
    expect(second.stderr).not.toMatch(STACK_LINE);
    expect(second.stdout).not.toContain('listening on');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('shuts down on SIGTERM with exit code 0, closing the server and freeing the directory', async () => {
    server!.child.kill('SIGTERM');
    const stopped = await server!.exited;
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.stderr).not.toMatch(STACK_LINE);
    // The lock is what a second `npm start` checks: gone, the directory is free for it.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(fetch(`${simulatorUrl}/cgi-bin/token`)).rejects.toThrow();
  });
});
