// The WeChat transport against real node:http(s) servers on loopback: answers, the deadline,
// the body cap, UTF-8, keep-alive reuse and idle sockets on both sides, TLS verification, and
// a process with pooled sockets still exiting on its own.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport } from './transport.js';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

interface TestServer {
  url: string;
  /** Server-side sockets, in the order the connections came. */
  sockets: Socket[];
  /** Requests each socket carried. */
  requestsOn: Map<Socket, number>;
  /** Sockets whose client ended them (a FIN from our side). */
  endedByClient: Set<Socket>;
  server: http.Server;
}

const servers: http.Server[] = [];
const transports: HttpTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

function transportWith(options: Parameters<typeof createHttpTransport>[0] = {}): HttpTransport {
  const transport = createHttpTransport(options);
  transports.push(transport);
  return transport;
}

/** Keeps node's `Keep-Alive: timeout=N` hint off the answer, as many servers do, so the client relies on its own idle timeout. */
function withoutKeepAliveHint(response: http.ServerResponse): void {
  response.setHeader('connection', 'keep-alive');
}

async function listen(server: http.Server, handler: Handler): Promise<TestServer> {
  const sockets: Socket[] = [];
  const requestsOn = new Map<Socket, number>();
  const endedByClient = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.push(socket);
    socket.on('end', () => endedByClient.add(socket));
  });
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    requestsOn.set(request.socket, (requestsOn.get(request.socket) ?? 0) + 1);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${port}`, sockets, requestsOn, endedByClient, server };
}

function startServer(handler: Handler, keepAliveTimeout?: number): Promise<TestServer> {
  const server = http.createServer();
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
  return listen(server, handler);
}

const answerJson: Handler = (_request, response) => {
  response.setHeader('content-type', 'text/plain');
  response.end('{"ok":true}');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

// An exchange on loopback takes a few milliseconds: the timeouts the transport is given for
// answers that come (ANSWER_MS) leave seconds for a stalled event loop; only the tests of the
// deadline give it one that fires.
const ANSWER_MS = 10_000;

async function until(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
  return condition();
}

describe('an exchange', () => {
  it('answers the status and the body of any status', async () => {
    const { url } = await startServer((request, response) => {
      response.statusCode = request.url === '/missing' ? 404 : 200;
      response.end(request.url === '/missing' ? 'no such page' : '{"errcode":0}');
    });
    const transport = transportWith();
    expect(await transport({ method: 'GET', url: `${url}/sns/jscode2session?appid=a`, timeoutMs: ANSWER_MS })).toEqual({ status: 200, text: '{"errcode":0}' });
    expect(await transport({ method: 'GET', url: `${url}/missing`, timeoutMs: ANSWER_MS })).toEqual({ status: 404, text: 'no such page' });
  });

  it('delivers a POST body intact, with its content type and length', async () => {
    let seen: { method?: string; type?: string; length?: string; body?: string } = {};
    const { url } = await startServer((request, response, body) => {
      seen = { method: request.method, type: request.headers['content-type'], length: request.headers['content-length'], body };
      response.end('{}');
    });
    const body = JSON.stringify({ code: 'phone-code-微信-✓', list: Array.from({ length: 200 }, (_, i) => i) });
    const answer = await transportWith()({ method: 'POST', url: `${url}/wxa/business/getuserphonenumber?access_token=t`, body, headers: { 'content-type': 'application/json' }, timeoutMs: ANSWER_MS });
    expect(answer.status).toBe(200);
    expect(seen).toEqual({ method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body });
  });

  it('decodes a UTF-8 body whose multi-byte characters are split across chunks', async () => {
    const text = '{"nickName":"微信用户😀"}';
    const bytes = Buffer.from(text, 'utf8');
    const cuts = [bytes.indexOf(Buffer.from('信')) + 1, bytes.indexOf(Buffer.from('😀')) + 2];
    const { url } = await startServer(async (_request, response) => {
      response.write(bytes.subarray(0, cuts[0]));
      await sleep(30);
      response.write(bytes.subarray(cuts[0], cuts[1]));
      await sleep(30);
      response.end(bytes.subarray(cuts[1]));
    });
    expect(await transportWith()({ method: 'GET', url, timeoutMs: ANSWER_MS })).toEqual({ status: 200, text });
  });
});

describe('the deadline', () => {
  it('rejects with a TimeoutError when no answer comes, close to the deadline', async () => {
    const { url } = await startServer(() => {}); // never answers
    const started = Date.now();
    const error = await rejectionOf(transportWith()({ method: 'GET', url, timeoutMs: 300 }));
    const ms = Date.now() - started;
    expect(error.name).toBe('TimeoutError');
    // Not before the deadline (a slow machine only adds), and not long after: the deadline is
    // 300 ms; a bound of 2 s leaves 1.7 s for a stalled event loop.
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2000);
  });

  it('covers the body too: headers sent, the body never finished', async () => {
    const { url } = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"openid":"o'); // and nothing more
    });
    const started = Date.now();
    const error = await rejectionOf(transportWith()({ method: 'GET', url, timeoutMs: 300 }));
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2000); // as above: 1.7 s over the deadline
  });

  it('does not let a timed-out socket back into the pool', async () => {
    let calls = 0;
    const server = await startServer((_request, response) => {
      calls += 1;
      if (calls === 1) return; // the first call hangs
      response.end('{}');
    });
    const transport = transportWith();
    expect((await rejectionOf(transport({ method: 'GET', url: server.url, timeoutMs: 200 }))).name).toBe('TimeoutError');
    expect(await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).toEqual({ status: 200, text: '{}' });
    expect(server.sockets).toHaveLength(2);
  });
});

describe('the body cap', () => {
  it('takes a body of exactly 1 MiB and refuses one byte more, by default', async () => {
    const { url } = await startServer((request, response) => {
      const size = request.url === '/over' ? 1024 * 1024 + 1 : 1024 * 1024;
      for (let sent = 0; sent < size; sent += 64 * 1024) response.write('x'.repeat(Math.min(64 * 1024, size - sent)));
      response.end(); // chunked: no content-length to refuse it by
    });
    const transport = transportWith();
    expect((await transport({ method: 'GET', url: `${url}/exact`, timeoutMs: ANSWER_MS })).text).toHaveLength(1024 * 1024);
    const error = await rejectionOf(transport({ method: 'GET', url: `${url}/over`, timeoutMs: ANSWER_MS }));
    expect(error.name).toBe('AnswerTooLargeError');
  });

  it('refuses a declared content-length over the cap before reading it', async () => {
    const { url } = await startServer((_request, response) => {
      response.setHeader('content-length', '5000');
      response.end('y'.repeat(5000));
    });
    const error = await rejectionOf(transportWith({ maxBodyBytes: 1000 })({ method: 'GET', url, timeoutMs: ANSWER_MS }));
    expect(error.name).toBe('AnswerTooLargeError');
  });
});

describe('keep-alive', () => {
  it('reuses one socket for sequential calls', async () => {
    const server = await startServer(answerJson);
    const transport = transportWith();
    for (let i = 0; i < 5; i += 1) expect((await transport({ method: 'POST', url: server.url, body: '{}', timeoutMs: ANSWER_MS })).status).toBe(200);
    expect(server.sockets).toHaveLength(1);
    expect(server.requestsOn.get(server.sockets[0]!)).toBe(5);
  });

  it('survives a server that closes idle sockets sooner than the client would', async () => {
    const server = await startServer((request, response) => {
      withoutKeepAliveHint(response);
      answerJson(request, response, '');
    }, 200);
    const transport = transportWith({ idleSocketMs: 10_000 });
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    // Node's server closes it a little after keepAliveTimeout (it adds a margin of its own).
    expect(await until(() => server.sockets[0]!.destroyed, 5000)).toBe(true);
    expect(server.endedByClient.size).toBe(0); // closed by the server, not by us
    await sleep(50);
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    expect(server.sockets).toHaveLength(2);
  });

  it('retries once on a fresh socket when the server closes the idle socket just as it is reused', async () => {
    const server = await startServer(answerJson);
    const transport = transportWith();
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    // Closed in the same tick as the call: the client has not yet seen the FIN when it picks the socket.
    server.sockets[0]!.destroy();
    const answer = await transport({ method: 'POST', url: server.url, body: '{"code":"c"}', timeoutMs: ANSWER_MS });
    expect(answer).toEqual({ status: 200, text: '{"ok":true}' });
    expect(server.sockets).toHaveLength(2);
    expect(server.requestsOn.get(server.sockets[0]!)).toBe(1);
    expect(server.requestsOn.get(server.sockets[1]!)).toBe(1);
  });

  it('does not retry a request the server read before dropping the connection', async () => {
    let requests = 0;
    const server = await startServer((request, response) => {
      requests += 1;
      if (requests === 2) request.socket.destroy();
      else answerJson(request, response, '');
    });
    const transport = transportWith();
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    const error = await rejectionOf(transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS }));
    expect(error.code).toBe('ECONNRESET');
    expect(requests).toBe(2);
    expect(server.sockets).toHaveLength(1);
  });

  it('closes an idle pooled socket itself after idleSocketMs', async () => {
    const server = await startServer((request, response) => {
      withoutKeepAliveHint(response);
      answerJson(request, response, '');
    }, 30_000);
    const transport = transportWith({ idleSocketMs: 300 });
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    expect(await until(() => server.endedByClient.has(server.sockets[0]!), 5000)).toBe(true);
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    expect(server.sockets).toHaveLength(2);
  });

  it("by default closes an idle socket before node's default 5 s server keep-alive, so the next call does not fail", async () => {
    const server = await startServer((request, response) => {
      withoutKeepAliveHint(response);
      answerJson(request, response, '');
    }, 5000);
    const transport = transportWith();
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    const idleSince = Date.now();
    // Who ends the socket: the client (a FIN from our side, at about 4 s) or the server (at 5 s,
    // destroying it). Both timers run in this process and fire in order however late; only an
    // event loop stalled for the second between them could let the server's fire first.
    const socket = server.sockets[0]!;
    expect(await until(() => server.endedByClient.has(socket) || socket.destroyed, ANSWER_MS)).toBe(true);
    expect(server.endedByClient.has(socket)).toBe(true);
    await sleep(5300 - (Date.now() - idleSince)); // past the server's own keep-alive timeout
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    expect(server.sockets).toHaveLength(2);
  }, 15_000);

  it('close() destroys the pooled sockets', async () => {
    const server = await startServer(answerJson, 30_000);
    const transport = transportWith();
    expect((await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).status).toBe(200);
    transport.close();
    expect(await until(() => server.sockets[0]!.destroyed || server.endedByClient.has(server.sockets[0]!), 2000)).toBe(true);
  });

  it('lets a process with pooled sockets exit on its own', async () => {
    const server = await startServer(answerJson, 60_000); // hints 60 s: the socket would stay pooled ~59 s
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const module = pathToFileURL(fileURLToPath(new URL('./transport.ts', import.meta.url))).href;
    const script = [
      `const { createHttpTransport } = await import(${JSON.stringify(module)});`,
      'const transport = createHttpTransport({ idleSocketMs: 120000 });',
      `for (let i = 0; i < 2; i += 1) console.log((await transport({ method: 'GET', url: ${JSON.stringify(server.url)}, timeoutMs: 5000 })).status);`,
      "console.log('done');",
    ].join('\n');
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Held by its pooled socket, the process would stay ~59 s after 'done'; ending it 15 s after
    // tells the two apart with room for a slow exit. The clock starts at 'done', not at the
    // spawn: tsx's start-up takes seconds on a busy machine.
    let doneAt = 0;
    let killer: NodeJS.Timeout | undefined;
    child.stdout.on('data', () => {
      if (!output.includes('done') || doneAt !== 0) return;
      doneAt = Date.now();
      killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(killer);
    expect(output.trim().split('\n')).toEqual(['200', '200', 'done']);
    expect(code).toBe(0); // on its own, not killed
    expect(server.sockets).toHaveLength(1); // the socket was pooled and reused
  }, 45_000);
});

describe('https', () => {
  let dir: string;
  let key: Buffer;
  let cert: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wechat-transport-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a self-signed certificate by default', async () => {
    const server = await listen(https.createServer({ key, cert }), answerJson);
    const error = await rejectionOf(transportWith()({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS }));
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(server.requestsOn.size).toBe(0);
  });

  it('accepts it when given as the CA, and keeps the TLS socket alive', async () => {
    const server = await listen(https.createServer({ key, cert }), answerJson);
    const transport = transportWith({ ca: cert });
    for (let i = 0; i < 3; i += 1) expect(await transport({ method: 'GET', url: server.url, timeoutMs: ANSWER_MS })).toEqual({ status: 200, text: '{"ok":true}' });
    expect(server.sockets).toHaveLength(1);
  });
});
