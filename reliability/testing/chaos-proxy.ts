// A reverse proxy in front of the server, standing where a load balancer stands: it passes
// requests on, or answers them with a 5xx of its own, or drops the connection, as the test's
// `decide` says. It records what reached it, so a test can count what the client sent.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LeakWatch } from './leak-watch.js';

export type ProxyAction = { kind: 'pass' } | { kind: 'answer'; status: number; body: string } | { kind: 'drop' };

export interface ProxiedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  action: ProxyAction['kind'];
}

export interface ChaosProxy {
  url: string;
  readonly seen: ProxiedRequest[];
  /** Decides each request from now on; passes everything by default. */
  setDecide(decide: (request: IncomingMessage) => ProxyAction): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `watch` sees every answer the server gave through the proxy. */
export async function startChaosProxy(upstream: string, watch?: LeakWatch): Promise<ChaosProxy> {
  let decide: (request: IncomingMessage) => ProxyAction = () => ({ kind: 'pass' });
  const seen: ProxiedRequest[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const action = decide(request);
    seen.push({ method: request.method ?? 'GET', url: request.url ?? '/', authorization: request.headers.authorization, action: action.kind });
    const body = await readBody(request);
    if (action.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (action.kind === 'answer') {
      response.writeHead(action.status, { 'content-type': 'text/html' }).end(action.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
    }
    try {
      const answer = await fetch(`${upstream}${request.url ?? '/'}`, {
        method: request.method ?? 'GET',
        headers,
        ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
      });
      const text = Buffer.from(await answer.arrayBuffer());
      watch?.answer(answer.status, answer.headers, text.toString('utf8'));
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding'].includes(name)) out[name] = value;
      });
      response.writeHead(answer.status, out).end(text);
    } catch {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setDecide(next) {
      decide = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
