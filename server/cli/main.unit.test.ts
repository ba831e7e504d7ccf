import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_COMMANDS } from '../../dev/commands.js';
import { runCli as runAnyCli, type CommandTable } from './main.js';
import { memoryIo } from '../testing/cli-harness.js';
import type { CliIo } from './command.js';

const COMMANDS = ['serve', 'simulator', 'migrate', 'rebuild', 'events'];
// What `npx miniauth` runs: the production commands and the simulator.
const runCli = (argv: string[], io: CliIo, table: CommandTable = DEVELOPMENT_COMMANDS) => runAnyCli(argv, io, table);

describe('miniauth --help', () => {
  it('lists every command, and says that serving is the default', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io)).toBe(0);
    const text = io.stdout.join('\n');
    for (const command of COMMANDS) expect(text).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(text).toContain('Without a command, miniauth serves');
  });

  it('lists the same commands in the production entry, but for the simulator, which it never loads', async () => {
    const io = memoryIo();
    expect(await runAnyCli(['--help'], io)).toBe(0);
    const text = io.stdout.join('\n');
    for (const command of COMMANDS.filter((name) => name !== 'simulator')) expect(text).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(text).not.toMatch(/^ {2}simulator /m);
    const unknown = memoryIo();
    expect(await runAnyCli(['simulator'], unknown)).toBe(2);
    expect(unknown.stderr[0]).toContain('unknown command "simulator"');
  });

  it.each(COMMANDS)('describes %s with --help, and with help <command>', async (command) => {
    for (const argv of [[command, '--help'], ['help', command]]) {
      const io = memoryIo();
      const code = await runCli(argv, io);
      // The simulator's CLI leaves the exit code alone when it only prints its usage.
      expect(code === 0 || code === undefined).toBe(true);
      expect(io.stdout.join('\n')).toContain(`Usage: miniauth ${command}`);
      expect(io.stderr).toEqual([]);
    }
  });

  it('lists the environment variables in the help of serve', async () => {
    const io = memoryIo();
    await runCli(['serve', '--help'], io);
    for (const name of ['PORT', 'HOST', 'DATABASE_URL', 'WECHAT_APPID', 'WECHAT_SECRET', 'SIM_PORT', 'JWT_SECRET', 'TOKEN_TTL', 'LOG_LEVEL']) {
      expect(io.stdout.join('\n')).toContain(name);
    }
  });

  it('prints the package version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(io.stdout).toEqual([pkg.version]);
  });
});

describe('bad usage', () => {
  it.each([
    [['frobnicate'], 'miniauth: unknown command "frobnicate"'],
    [['events'], 'miniauth events: --openid is required'],
    [['events', '--openid', ''], 'miniauth events: --openid is required'],
    [['events', '--openid', 'o_x', '--app', 'not-an-app'], 'miniauth events: --app "not-an-app" is not a mini program appid'],
    [['migrate', '--force'], "miniauth migrate: Unknown option '--force'"],
    [['rebuild', 'now'], 'miniauth rebuild: Unexpected argument'],
    [['serve', '--port'], "miniauth serve: Unknown option '--port'"],
  ])('%j exits 2 and says why', async (argv, message) => {
    const io = memoryIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr[0]).toContain(message);
    expect(io.stdout).toEqual([]);
  });

  it('points at the command help after a usage error', async () => {
    const io = memoryIo();
    await runCli(['events', '--json'], io);
    expect(io.stderr).toContain('Run "miniauth events --help" for usage.');
  });
});

describe('a bad environment', () => {
  it('prints one line per bad value and exits 1 before opening anything', async () => {
    const io = memoryIo({ env: { NODE_ENV: 'test', PORT: '99999', TOKEN_TTL: 'forever', DATABASE_URL: 'mysql://db/x' } });
    expect(await runCli(['migrate'], io)).toBe(1);
    expect(io.stderr[0]).toBe('miniauth migrate: the configuration in the environment is invalid (see "miniauth serve --help"):');
    expect(io.stderr.slice(1).map((line) => line.trim().split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT', 'TOKEN_TTL']);
  });
});
