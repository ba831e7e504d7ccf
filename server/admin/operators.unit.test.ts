// Operators' passwords (scrypt with the stated parameters, a salt of its own each time, the
// hash accepted by the configuration, `miniauth admin-password` printing what it takes), the
// console's configuration, and its session cookie.

import { describe, expect, it } from 'vitest';
import { createAdminPasswordCommand } from '../cli/admin-password-command.js';
import { loadConfig } from '../config.js';
import { memoryIo } from '../testing/cli-harness.js';
import { hashPassword, isUsableHash, verifyPassword } from './password.js';
import { sessionCookie } from './routes.js';

describe('operator passwords', () => {
  it('hashes with scrypt N = 2^15, r = 8, p = 1, a fresh salt each time', async () => {
    const [first, second] = await Promise.all([hashPassword('a long passphrase'), hashPassword('a long passphrase')]);
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toBe(second);
    expect(isUsableHash(first)).toBe(true);
  });

  it('accepts the password and nothing else', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('correct horse battery staple', undefined)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
  });

  it('prints name:hash for ADMIN_ACCOUNTS from a password read on stdin', async () => {
    const io = memoryIo();
    const code = await createAdminPasswordCommand(async () => 'a password for alice\n').run(['--name', 'alice'], io);
    expect(code).toBe(0);
    const [line] = io.stdout;
    expect(line).toMatch(/^alice:scrypt\$/);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory', ADMIN_ACCOUNTS: line! });
    expect(config.admin?.operators).toEqual([{ name: 'alice', passwordHash: line!.slice('alice:'.length) }]);
    expect(await verifyPassword('a password for alice', config.admin!.operators[0]!.passwordHash!)).toBe(true);
    await expect(createAdminPasswordCommand(async () => 'short\n').run(['--name', 'alice'], memoryIo())).rejects.toThrow(/at least 12/);
  });
});

describe('the console configuration', () => {
  const base = { NODE_ENV: 'test', DATABASE_URL: 'memory' };
  const hash = `scrypt$15$8$1$${'A'.repeat(22)}$${'B'.repeat(43)}`;

  it('is off without operators', () => {
    expect(loadConfig(base).admin).toBeUndefined();
  });

  it('reports a malformed entry without echoing it, and a production console without its origin', () => {
    expect(() => loadConfig({ ...base, ADMIN_ACCOUNTS: 'alice:hunter2' })).toThrow(/ADMIN_ACCOUNTS: item 1: is not name:hash/);
    expect(() => loadConfig({ ...base, ADMIN_ACCOUNTS: 'alice:hunter2' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ ...base, ADMIN_ACCOUNTS: `alice:*` })).toThrow(/needs ADMIN_PROXY_HEADER/);
    expect(() => loadConfig({ ...base, ADMIN_ACCOUNTS: `alice:*`, ADMIN_PROXY_HEADER: 'X-Forwarded-User' })).toThrow(/ADMIN_PROXY_HEADER: needs TRUST_PROXY/);
    expect(loadConfig({ ...base, ADMIN_ACCOUNTS: `alice:*`, ADMIN_PROXY_HEADER: 'X-Forwarded-User', TRUST_PROXY: '10.0.0.0/8' }).admin).toMatchObject({
      operators: [{ name: 'alice', passwordHash: null }],
      proxyHeader: 'x-forwarded-user',
    });
    const production = {
      NODE_ENV: 'production', DATABASE_URL: 'postgres://db/miniauth', WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 's', JWT_SECRET: 'Zq3v8LmN0pR5tY7wX2cB4dF6gH9jK1sA-_qQ', ADMIN_ACCOUNTS: `alice:${hash}`,
    };
    expect(() => loadConfig(production)).toThrow(/ADMIN_ORIGIN: required in production/);
    expect(() => loadConfig({ ...production, ADMIN_ORIGIN: 'http://ops.example.com' })).toThrow(/ADMIN_ORIGIN: must be https/);
    expect(loadConfig({ ...production, ADMIN_ORIGIN: 'https://ops.example.com/' }).admin?.origin).toBe('https://ops.example.com');
  });
});

describe('the session cookie', () => {
  it('is HttpOnly and SameSite=Strict on the console paths, and Secure in production', () => {
    expect(sessionCookie('t', 60, false)).toBe('miniauth_admin=t; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('t', 60, true)).toBe('miniauth_admin=t; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
  });
});
