// A TypeScript file run as its own Node process (through tsx), spoken to over IPC with
// request/answer messages. The bench puts the server and the load generator in processes of
// their own so that neither steals the other's event loop.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const STOP_GRACE_MS = 5_000;

/** What a child sends back: the answer to request `id`, or why it failed; `ready` once it listens. */
export type Answer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { ready: true };

export interface Child {
  readonly pid: number;
  /** Resolves once the child serves requests; rejects if it exits first (e.g. a start-up error). */
  readonly ready: Promise<void>;
  /** Sends a request and resolves with the child's answer (rejects with its error). */
  request<T>(message: Record<string, unknown>): Promise<T>;
  /** Asks the child to stop (message `{ type: 'stop' }`); kills it by pid if it does not. */
  stop(): Promise<void>;
}

export interface ForkOptions {
  /** The child's whole environment (besides PATH and HOME); default: this process's. */
  env?: Record<string, string>;
  /** Extra Node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export function forkTs(file: URL, options: ForkOptions = {}): Child {
  const child: ChildProcess = fork(fileURLToPath(file), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: options.env ? { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env } : process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${fileURLToPath(file)}`);
  const pid = child.pid;
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let markReady: () => void = () => undefined;
  let failStart: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  ready.catch(() => undefined); // reported to whoever awaits it

  child.on('message', (message: Answer) => {
    if ('ready' in message) {
      markReady();
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.error));
  });
  child.once('exit', (code, signal) => {
    failStart(new Error(`${fileURLToPath(file)} exited (${signal ?? code}) before it was ready`));
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${fileURLToPath(file)} exited (${signal ?? code}) before answering`));
    }
    pending.clear();
  });

  return {
    pid,
    ready,
    async request<T>(message: Record<string, unknown>) {
      await ready;
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ ...message, id });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop', id: 0 });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: answers each request with `handle`, and on `stop` runs `onStop` and exits.
 * Call it once at the top level of the child's file.
 */
export function serveRequests(
  handle: (message: Record<string, unknown>) => Promise<unknown>,
  onStop: () => Promise<void> = async () => undefined,
): void {
  let stopping: Promise<void> | undefined;
  const stop = () => void (stopping ??= onStop().finally(() => process.exit(0)));
  process.on('message', (message: Record<string, unknown> & { id: number; type?: string }) => {
    if (message.type === 'stop') {
      stop();
      return;
    }
    handle(message).then(
      (value) => process.send!({ id: message.id, ok: true, value } satisfies Answer),
      (error: unknown) =>
        process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies Answer),
    );
  });
  // The parent went away (killed, crashed): do not linger as an orphan holding a port or a pool.
  process.on('disconnect', stop);
  process.send!({ ready: true } satisfies Answer);
}
