// The wire under the WeChat gateway: one HTTP exchange over node:http / node:https through
// keep-alive agents, with one deadline for the whole exchange and a cap on the answer's size.
// Why not fetch: measured in one process, undici spends ~450 µs of CPU on a loopback POST
// where http.request with a keep-alive Agent spends ~140 µs, and the login route's CPU per
// login (one WeChat call each) is what bounds the server's throughput.
//
// Pooled sockets: idle ones are closed client-side after `idleSocketMs` (4 s, under node's
// 5 s server keep-alive; the Agent also honours a shorter `Keep-Alive: timeout=N` hint) and
// are unref'd by the Agent, so they never keep a process alive. A request put on a reused
// socket waits one turn of the event loop before it is written: a socket the server closed
// while it lay idle shows its end then, and the request is retried once on a fresh socket.
// Nothing else is retried: once our bytes are on the wire, a reset may come from a server
// that read the request (WeChat may have spent the login code), so it is a failure.

import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  headers?: Record<string, string>;
  /** For the whole exchange: connect, send, headers and body, a retry included. */
  timeoutMs: number;
}

export interface TransportAnswer {
  status: number;
  /** The body decoded as UTF-8. */
  text: string;
}

/** The port the gateway calls WeChat through. Rejects with `name: 'TimeoutError'` on time-out. */
export type WeChatTransport = (request: TransportRequest) => Promise<TransportAnswer>;

export interface HttpTransport extends WeChatTransport {
  /** Destroys every socket of both agents; calls still running fail. Not needed to let a process exit. */
  close(): void;
}

export interface HttpTransportOptions {
  /** Largest answer body accepted, in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** An idle pooled socket is closed after this many ms; default 4000. */
  idleSocketMs?: number;
  /**
   * Trusted CA certificates (PEM) for https, in place of node's public list: for a private
   * CA, or a test's self-signed certificate. Verification itself is never turned off.
   */
  ca?: string | Buffer | Array<string | Buffer>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_IDLE_SOCKET_MS = 4000;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

interface Outcome {
  answer?: TransportAnswer;
  error?: Error;
  /** The request never reached the server: safe to send again. */
  unsent?: boolean;
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const timeoutError = (ms: number) => namedError('TimeoutError', `The exchange did not finish within ${ms} ms.`);
const tooLargeError = (max: number) => namedError('AnswerTooLargeError', `The answer's body is over ${max} bytes.`);

function errorCode(error: Error): string | undefined {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Runs `then` after one full turn of the event loop, I/O polled in between. */
function afterOneLoopTurn(then: () => void): void {
  setImmediate(() => setImmediate(then));
}

/** Destroys the agent's idle sockets: after the server closed the most recently used one, the older ones are suspect too. */
function dropIdleSockets(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of [...(sockets ?? [])]) socket.destroy();
  }
}

/** Reads the answer's body, up to the cap, and reports it once. */
function readAnswer(response: http.IncomingMessage, maxBodyBytes: number, report: (outcome: Outcome) => void): void {
  const declared = Number(response.headers['content-length']);
  if (declared > maxBodyBytes) {
    report({ error: tooLargeError(maxBodyBytes) });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) report({ error: tooLargeError(maxBodyBytes) });
    else chunks.push(chunk);
  });
  // Decoded once, whole: a multi-byte character split across chunks comes out right.
  response.on('end', () => report({ answer: { status: response.statusCode ?? 0, text: Buffer.concat(chunks, size).toString('utf8') } }));
  response.on('error', (error) => report({ error }));
  response.on('close', () => {
    if (!response.complete) report({ error: namedError('Error', 'The connection closed before the answer was complete.') });
  });
}

/** One attempt on one socket; `report` is called once. Returns the request, for destroying it. */
function attempt(agent: http.Agent, url: URL, request: TransportRequest, maxBodyBytes: number, report: (outcome: Outcome) => void): http.ClientRequest {
  const { body } = request;
  const headers = body === undefined ? { ...request.headers } : { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
  const send = url.protocol === 'https:' ? https.request : http.request;
  const outgoing = send(url, { method: request.method, headers, agent });
  let written = false;
  let answered = false;
  let reported = false;

  const once = (outcome: Outcome): void => {
    if (reported) return;
    reported = true;
    if (outcome.error !== undefined) outgoing.destroy();
    report(outcome);
  };
  const write = (): void => {
    if (reported || outgoing.destroyed) return;
    written = true;
    outgoing.end(body);
  };

  outgoing.on('socket', () => {
    if (outgoing.reusedSocket) afterOneLoopTurn(write);
    else write();
  });
  outgoing.on('response', (response) => {
    answered = true;
    readAnswer(response, maxBodyBytes, once);
  });
  outgoing.on('error', (error) => {
    const code = errorCode(error);
    // Unsent: the socket ended before we wrote, or the write itself was refused (the peer was gone).
    const unsent = outgoing.reusedSocket && !answered && code !== undefined && RESET_CODES.has(code) && (!written || (error as { syscall?: unknown }).syscall === 'write');
    once({ error, unsent });
  });
  return outgoing;
}

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const pooling = { keepAlive: true, timeout: options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS, scheduling: 'lifo' as const };
  const agents: Record<string, http.Agent> = {
    'http:': new http.Agent(pooling),
    'https:': new https.Agent({ ...pooling, ...(options.ca === undefined ? {} : { ca: options.ca }) }),
  };

  function transport(request: TransportRequest): Promise<TransportAnswer> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.reject(namedError('TypeError', 'The URL is not valid.')); // without the URL: it may carry a secret
    }
    const agent = agents[url.protocol];
    if (agent === undefined) return Promise.reject(namedError('TypeError', `Unsupported protocol ${url.protocol}`));

    return new Promise((resolve, reject) => {
      let current: http.ClientRequest | undefined;
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (outcome.answer !== undefined) resolve(outcome.answer);
        else reject(outcome.error);
      };
      const deadline = setTimeout(() => {
        current?.destroy();
        settle({ error: timeoutError(request.timeoutMs) });
      }, request.timeoutMs);

      const run = (isRetry: boolean): void => {
        current = attempt(agent, url, request, maxBodyBytes, (outcome) => {
          if (settled) return;
          if (outcome.unsent === true && !isRetry) {
            dropIdleSockets(agent);
            run(true);
          } else settle(outcome);
        });
      };
      run(false);
    });
  }

  return Object.assign(transport, {
    close(): void {
      for (const agent of Object.values(agents)) agent.destroy();
    },
  });
}
