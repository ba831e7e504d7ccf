// A miniauth server as a separate process, started through the real entry (`miniauth serve`,
// server/cli.ts under tsx's loader) and configured by environment variables only, as an
// operator runs it. Its stdout (the banner and every pino line) is kept for the leak scan.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
// node --import <tsx loader>: the signal reaches the server itself, not a wrapper process.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** The base URL it listens on (PORT=0: the port it got). */
  readonly url: string;
  /** Every stdout and stderr line so far (pino JSON lines, the banner). */
  output(): string[];
  /** The pino lines as objects, for figures and checks. */
  logLines(): Array<Record<string, unknown>>;
  /** SIGKILL: no shutdown, no flushing; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL if it does not end in time. */
  stop(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServerProcessOptions {
  name: string;
  /** Added to (and overriding) the defaults: NODE_ENV=test, PORT=0, HOST=127.0.0.1, LOG_LEVEL=debug. */
  env: Record<string, string>;
}

const running = new Set<ServerProcess>();
const children = new Set<ChildProcess>();
// A test process that dies without its afterAll must not leave servers holding ports and pools.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', TSX_LOADER, CLI, 'serve'], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const take = (stream: 'stdout' | 'stderr') => (chunk: string) => {
    const text = partial[stream] + chunk;
    const parts = text.split('\n');
    partial[stream] = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding('utf8').on('data', take('stdout'));
  child.stderr!.setEncoding('utf8').on('data', take('stderr'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') lines.push(rest);
      partial.stdout = partial.stderr = '';
      resolve({ code, signal });
      for (const listener of listeners) listener();
    });
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${options.name}: no banner in ${START_TIMEOUT_MS} ms:\n${lines.join('\n')}`)), START_TIMEOUT_MS);
    const check = (): void => {
      const found = lines.map((line) => /listening on (http:\/\/\S+)/.exec(line)?.[1]).find(Boolean);
      if (found) finish(undefined, found);
      else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${options.name} exited before listening:\n${lines.join('\n')}`));
    };
    function finish(error: Error | undefined, found?: string): void {
      clearTimeout(timer);
      listeners.delete(check);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else resolve(found!);
    }
    listeners.add(check);
    check();
  });

  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const server: ServerProcess = {
    name: options.name,
    pid: child.pid!,
    url,
    output: () => lines,
    logLines: () => lines.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    }),
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
      running.delete(server);
    },
    async stop() {
      if (!gone()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited.finally(() => clearTimeout(timer));
      }
      running.delete(server);
    },
    exited,
  };
  running.add(server);
  return server;
}

/** Stops every server process this test file started and has not stopped (for afterAll). */
export async function stopAllServerProcesses(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}
