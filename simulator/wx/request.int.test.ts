import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestFailResult, RequestOption, RequestSuccessResult } from '../wx-types.js';
import { createWxRuntime, type WxRuntime } from './runtime.js';

/** A stand-in backend that echoes what it received; /slow never answers in time. */
let backend: Server;
let api: string;
const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  backend = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.url?.startsWith('/slow')) {
        setTimeout(() => response.end('late'), 2_000).unref();
        return;
      }
      if (request.url === '/text') return void response.end('plain words');
      if (request.url === '/boom') {
        response.writeHead(500, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ code: 0, error: 'INTERNAL' }));
      }
      response.writeHead(200, { 'content-type': 'application/json', 'x-trace': 't-1', 'set-cookie': ['a=1', 'b=2'] });
      response.end(JSON.stringify({ method: request.method, url: request.url, body }));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  backend.closeAllConnections();
  await new Promise((resolve) => backend.close(resolve));
});

// No wx.login here, so the simulator URL is never called.
function phone(): WxRuntime {
  return createWxRuntime({ simulatorUrl: 'http://127.0.0.1:9', appId: 'wx00000000000000a1' });
}

type Outcome = { success?: RequestSuccessResult; fail?: RequestFailResult; completed: boolean };

function request(runtime: WxRuntime, option: RequestOption): { task: ReturnType<WxRuntime['wx']['request']>; done: Promise<Outcome> } {
  let task!: ReturnType<WxRuntime['wx']['request']>;
  const done = new Promise<Outcome>((resolve) => {
    const outcome: Outcome = { completed: false };
    task = runtime.wx.request({
      ...option,
      success: (res) => {
        outcome.success = res;
      },
      fail: (err) => {
        outcome.fail = err;
      },
      complete: () => {
        outcome.completed = true;
        resolve(outcome);
      },
    });
  });
  return { task, done };
}

describe('wx.request', () => {
  it("answers with WeChat's success shape: statusCode, parsed data, header, cookies, errMsg", async () => {
    const { success, completed } = await request(phone(), { url: `${api}/echo` }).done;
    expect(completed).toBe(true);
    expect(success).toMatchObject({
      errMsg: 'request:ok',
      statusCode: 200,
      data: { method: 'GET', url: '/echo' },
      cookies: ['a=1', 'b=2'],
    });
    expect(success?.header['x-trace']).toBe('t-1');
  });

  it('turns GET data into the query string, as WeChat does', async () => {
    const { success } = await request(phone(), { url: `${api}/echo?x=1`, data: { q: 'a b&c', page: 2 } }).done;
    expect(success?.data).toMatchObject({ url: '/echo?x=1&q=a%20b%26c&page=2', body: '' });
  });

  it('sends POST data as JSON with the given header and WeChat’s fixed Referer', async () => {
    const runtime = phone();
    const { success } = await request(runtime, {
      url: `${api}/echo`,
      method: 'POST',
      data: { code: 'c1' },
      header: { token: 'jwt-1', Referer: 'https://evil.example' },
    }).done;
    expect(success?.data).toMatchObject({ method: 'POST', body: '{"code":"c1"}' });
    const seen = received[received.length - 1];
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers.token).toBe('jwt-1');
    expect(seen?.headers.referer).toBe('https://servicewechat.com/wx00000000000000a1/devtools/page-frame.html');
    expect(runtime.sim.requests).toEqual([
      expect.objectContaining({ url: `${api}/echo`, method: 'POST', data: { code: 'c1' }, header: expect.objectContaining({ token: 'jwt-1' }) }),
    ]);
  });

  it('sends a form body when the content-type asks for one', async () => {
    const { success } = await request(phone(), {
      url: `${api}/echo`,
      method: 'POST',
      data: { a: '1', b: 'x y' },
      header: { 'content-type': 'application/x-www-form-urlencoded' },
    }).done;
    expect(success?.data).toMatchObject({ body: 'a=1&b=x%20y' });
  });

  it('calls success for an HTTP 500 (only a missing answer is a fail) and hands over non-JSON as text', async () => {
    const boom = await request(phone(), { url: `${api}/boom` }).done;
    expect(boom.success).toMatchObject({ statusCode: 500, data: { error: 'INTERNAL' } });
    const text = await request(phone(), { url: `${api}/text` }).done;
    expect(text.success?.data).toBe('plain words');
  });

  it('fails at once when offline, and nothing reaches the server', async () => {
    const runtime = phone();
    runtime.sim.setNetwork('offline');
    const before = received.length;
    const { fail, completed } = await request(runtime, { url: `${api}/echo` }).done;
    expect(fail).toEqual({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED', errno: 600001 });
    expect(completed).toBe(true);
    expect(received.length).toBe(before);
    expect(runtime.sim.requests).toHaveLength(0);
  });

  it('fails with "request:fail timeout" when the answer is later than `timeout`', async () => {
    const started = performance.now();
    const { fail } = await request(phone(), { url: `${api}/slow`, timeout: 150 }).done;
    expect(fail).toEqual({ errMsg: 'request:fail timeout', errno: 5 });
    // At the timeout (150 ms), not at the answer (2 s): 1.35 s over it for a stalled event loop.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('in timeout mode, every request hangs until its timeout', async () => {
    const runtime = createWxRuntime({ simulatorUrl: 'http://127.0.0.1:9', appId: 'wxa', networkTimeout: 100 });
    runtime.sim.setNetwork('timeout');
    const { fail } = await request(runtime, { url: `${api}/echo` }).done;
    expect(fail?.errMsg).toBe('request:fail timeout');
  });

  it('abort() ends the request with "request:fail abort"', async () => {
    const { task, done } = request(phone(), { url: `${api}/slow` });
    setTimeout(() => task.abort(), 50);
    expect((await done).fail?.errMsg).toBe('request:fail abort');
  });

  it('reports a refused connection with Chromium’s error name', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { fail } = await request(phone(), { url: `http://127.0.0.1:${port}/nothing-listens` }).done;
    expect(fail).toEqual({ errMsg: 'request:fail net::ERR_CONNECTION_REFUSED', errno: 600001 });
  });

  it('calls back only after request() has returned', async () => {
    let returned = false;
    let calledEarly = false;
    await new Promise<void>((resolve) => {
      phone().wx.request({ url: 'http://127.0.0.1:9/x', complete: () => ((calledEarly = !returned), resolve()) });
      returned = true;
    });
    expect(calledEarly).toBe(false);
  });
});
