// The simulator's paid phone-number quota and its content security: charges on each success of
// the button, 1400001 once spent, the usage API in WeChat's shapes; text verdicts by rule, the
// 2-hour visit rule, and image verdicts pushed to a checked endpoint, signed, when a test says.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSignature } from './content-review.js';
import { createDeviceClient, DeviceClientError, type DeviceClient } from './device-client.js';
import { createSimulator, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000c1', secret: 'secret-c' };
const TOKEN = 'endpointToken42';

let sim: Simulator;
let base: string;
let device: DeviceClient;
let accessToken: string;

type Body = Record<string, unknown>;
const json = async (response: Response): Promise<Body> => JSON.parse(await response.text()) as Body;
const post = (path: string, body: unknown) =>
  fetch(`${base}${path}?access_token=${accessToken}`, { method: 'POST', body: JSON.stringify(body) }).then(json);

beforeAll(async () => {
  sim = createSimulator({ apps: [APP], rotation: 'never' });
  base = await sim.listen();
  device = createDeviceClient(base);
  accessToken = await freshToken();
});
afterAll(() => sim.close());

async function freshToken(): Promise<string> {
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret });
  return String((await json(await fetch(`${base}/cgi-bin/token?${query}`))).access_token);
}

describe('phone-number quota', () => {
  it('charges each success of the button, answers 1400001 once spent, and shows it in the usage API', async () => {
    const { openid } = await device.createUser();
    expect((await device.phoneQuota()).packages).toMatchObject([{ all: 1000, used: 0, status: 1, source: 1 }]);
    await device.setPhoneQuota([{ all: 2, used: 1 }, { all: 5, status: 3 }]);
    await device.phoneCode(openid);
    const spent = await device.phoneCode(openid).catch((error: unknown) => error);
    expect(spent).toBeInstanceOf(DeviceClientError);
    expect((spent as DeviceClientError).errcode).toBe(1400001);
    expect(await device.phoneQuota()).toMatchObject({ charged: 1, packages: [{ all: 2, used: 2 }, { all: 5, used: 0, status: 3 }] });

    const usage = await json(await fetch(`${base}/wxa/charge/usage/get?access_token=${accessToken}&spuId=10000077&offset=0&limit=20`));
    expect(usage).toMatchObject({ errcode: 0, all: 7, effectiveUse: 2 });
    expect(usage['detailList']).toEqual([
      expect.objectContaining({ pkgId: expect.any(String), status: 1, all: 2, used: 2, spuId: '10000077', skuId: expect.any(String), startTime: expect.any(Number), endTime: expect.any(Number), source: 2 }),
      expect.objectContaining({ status: 3, all: 5, used: 0 }),
    ]);
    const page = await json(await fetch(`${base}/wxa/charge/usage/get?access_token=${accessToken}&spuId=10000077&offset=1&limit=1`));
    expect(page['detailList']).toHaveLength(1);
    expect((await json(await fetch(`${base}/wxa/charge/usage/get?access_token=${accessToken}`)))['errcode']).toBe(47001);
    expect((await json(await fetch(`${base}/wxa/charge/usage/get?access_token=nope&spuId=10000077`)))['errcode']).toBe(40001);
  });
});

describe('content security', () => {
  let endpoint: Server;
  let endpointUrl: string;
  const received: Array<{ method: string; url: URL; body: string }> = [];
  const waiters: Array<() => void> = [];

  beforeAll(async () => {
    endpoint = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://x');
        received.push({ method: request.method ?? '', url, body });
        waiters.splice(0).forEach((wake) => wake());
        response.end(request.method === 'GET' ? (url.searchParams.get('echostr') ?? '') : 'success');
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const address = endpoint.address();
    endpointUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wx/messages`;
  });
  afterAll(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

  it('judges a profile text by the rules a test sets, for a person who visited in the last 2 hours', async () => {
    const { openid } = await device.createUser();
    const check = (content: unknown, extra: Body = {}) => post('/wxa/msg_sec_check', { content, version: 2, openid, scene: 1, ...extra });
    expect((await check('Mei'))['errcode']).toBe(61010); // never opened the mini program
    await device.login(openid);
    await device.contentReview({ rules: [{ contains: 'bad', suggest: 'risky', label: 20001 }, { contains: 'hmm', suggest: 'review' }] });
    expect(await check('Mei')).toMatchObject({ errcode: 0, result: { suggest: 'pass', label: 100 }, trace_id: expect.any(String), detail: expect.any(Array) });
    expect(await check('so bad')).toMatchObject({ errcode: 0, result: { suggest: 'risky', label: 20001 } });
    expect(await check('hmm')).toMatchObject({ result: { suggest: 'review' } });
    expect((await check('Mei', { version: 1 }))['errcode']).toBe(47001);
    expect((await check(undefined))['errcode']).toBe(47001);
    expect((await post('/wxa/msg_sec_check', { content: 'x', version: 2, openid: 'nobody', scene: 1 }))['errcode']).toBe(40003);
    sim.advance(2 * 3_600_000 + 1);
    accessToken = await freshToken(); // the old one expired meanwhile
    expect((await check('Mei'))['errcode']).toBe(61010);
    await device.contentReview({ rules: [] });
  });

  it('checks the message endpoint with a signed echostr GET, then pushes image verdicts signed, held until flushed', async () => {
    const { openid } = await device.createUser();
    await device.login(openid);
    await device.contentReview({ endpoint: { url: endpointUrl, token: TOKEN }, pushDelayMs: null, rules: [{ contains: 'nsfw', suggest: 'risky', check: 'image' }] });
    const check = received.find((each) => each.method === 'GET')!;
    const [signature, timestamp, nonce] = ['signature', 'timestamp', 'nonce'].map((name) => check.url.searchParams.get(name) ?? '');
    expect(signature).toBe(pushSignature(TOKEN, timestamp!, nonce!));

    const accepted = await post('/wxa/media_check_async', { media_url: 'https://img.example/nsfw.png', media_type: 2, version: 2, openid, scene: 1 });
    expect(accepted).toMatchObject({ errcode: 0, trace_id: expect.any(String) });
    expect(await device.pendingPushes()).toHaveLength(1);
    const delivered = await device.flushPushes();
    expect(delivered).toEqual([{ traceId: accepted['trace_id'], status: 200, body: 'success' }]);
    const push = received.find((each) => each.method === 'POST')!;
    const q = push.url.searchParams;
    expect(q.get('signature')).toBe(pushSignature(TOKEN, q.get('timestamp')!, q.get('nonce')!));
    expect(JSON.parse(push.body)).toMatchObject({
      MsgType: 'event', Event: 'wxa_media_check', appid: APP.appId, FromUserName: openid, trace_id: accepted['trace_id'], version: 2, result: { suggest: 'risky', label: 20002 },
    });

    // With a delay of 0 the verdict goes out by itself.
    await device.contentReview({ pushDelayMs: 0 });
    const arrived = new Promise<void>((resolve) => waiters.push(resolve));
    await post('/wxa/media_check_async', { media_url: 'https://img.example/cat.png', media_type: 2, version: 2, openid, scene: 1 });
    await arrived;
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ result: { suggest: 'pass', label: 100 } });
  });

  it('keeps an endpoint only when it echoes', async () => {
    const refused = await device.contentReview({ endpoint: { url: `${base}/nowhere`, token: TOKEN } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, error: 'ENDPOINT_CHECK_FAILED' });
  });
});
