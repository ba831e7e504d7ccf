// Runs the real `miniauth` CLI (dev/cli.ts, what `npx miniauth` runs, through tsx's loader) as
// a child process, the way a person runs it, with a clean environment: only what a test passes
// reaches the command.
// memoryIo() is for the tests that run a command in this process instead.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliIo } from '../cli/command.js';

const CLI = fileURLToPath(new URL('../../dev/cli.ts', import.meta.url));
// node --import <tsx's loader>: one process (a signal reaches the CLI itself, not a wrapper).
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout once `pattern` matches it; rejects when the process ends first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<CliResult>;
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    NODE_ENV: 'development',
    ...extra,
  };
}

export function startCli(args: string[], options: CliOptions): RunningCli {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal, stdout, stderr });
      for (const listener of listeners) listener();
    });
  });

  function waitForOutput(pattern: RegExp, timeoutMs = 45_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${pattern} in ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
      const check = (): void => {
        if (pattern.test(stdout)) finish();
        else if (closed) {
          finish(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      function finish(error?: Error): void {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve(stdout);
      }
      listeners.add(check);
      check();
    });
  }

  return { child, stdout: () => stdout, stderr: () => stderr, waitForOutput, exited };
}

/** Runs a command to its end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** Stops a CLI still running (afterAll): SIGTERM, then SIGKILL if it does not end in time. */
export async function stopCli(cli: RunningCli | undefined, timeoutMs = 10_000): Promise<void> {
  if (!cli || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGTERM');
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  await cli.exited.finally(() => clearTimeout(timer));
}

/** A stack trace line, which no expected failure may print. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

// A CliIo that keeps what a command prints, for tests that run a command in this process.
export interface MemoryIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

export function memoryIo(options: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {}): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    // A bar redrawn in place: the last drawing replaces the current line.
    errInPlace: (text) => stderr.push(`\r${text}`),
    errIsTTY: options.tty ?? false,
    env: options.env ?? { NODE_ENV: 'test' },
    cwd: options.cwd ?? process.cwd(),
  };
}
