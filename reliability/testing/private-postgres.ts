// A PostgreSQL cluster of the test's own, to stop and start under load: the machine's shared
// server is used by other tests at the same time and must never be stopped. initdb and pg_ctl
// refuse to run as root, so as root they run as the `postgres` user in a directory it owns.

import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** `fast`: a clean shutdown; `immediate`: as a crash, recovered from the WAL at the next start. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and deletes its directory. */
  destroy(): Promise<void>;
}

/** A port free right now (the cluster binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

function asPostgresUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function command(tool: string, args: string[]): [string, string[]] {
  return asPostgresUser() ? ['runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]] : [join(BIN, tool), args];
}

async function pgTool(tool: string, args: string[]): Promise<void> {
  await run(...command(tool, args), { timeout: 60_000 });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'miniauth-pg-'));
  if (asPostgresUser()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(root, Number(stdout.trim()), Number(group.trim()));
  }
  const data = join(root, 'data');
  const port = await freePort();
  // fsync off: a stopped (even an "immediate", crash-like) server keeps its WAL in the page
  // cache of a machine that does not go down, so nothing committed is lost, only time saved.
  await pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']).catch((error: unknown) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  let up = false;
  // A test process that dies without its afterAll must not leave a postmaster behind.
  const stopOnExit = () => {
    if (up) execFileSync(...command('pg_ctl', ['stop', '-D', data, '-m', 'immediate']), { stdio: 'ignore' });
  };
  process.once('exit', stopOnExit);

  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pgTool('pg_ctl', ['start', '-w', '-D', data, '-l', join(root, 'log'), '-o', options]);
      up = true;
    },
    async stop(mode = 'fast') {
      await pgTool('pg_ctl', ['stop', '-w', '-D', data, '-m', mode]);
      up = false;
    },
    async destroy() {
      process.off('exit', stopOnExit);
      if (up) await cluster.stop('immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    process.off('exit', stopOnExit);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
