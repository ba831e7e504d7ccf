import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.js';
import { createDeviceClient, type DeviceClient } from './device-client.js';
import { createSimulator, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000a1', secret: 'secret-a' };
const RID = /, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

let sim: Simulator;
let base: string;
let device: DeviceClient;

beforeAll(async () => {
  sim = createSimulator({ apps: [APP] });
  base = await sim.listen();
  device = createDeviceClient(base);
});

afterEach(async () => {
  await device.clearFaults();
});

afterAll(async () => {
  await sim.close();
});

function tokenUrl(): string {
  return `${base}/cgi-bin/token?${new URLSearchParams({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret })}`;
}

async function fetchToken(): Promise<Record<string, unknown>> {
  return (await (await fetch(tokenUrl())).json()) as Record<string, unknown>;
}

async function exchange(code: string): Promise<Record<string, unknown>> {
  const query = new URLSearchParams({ appid: APP.appId, secret: APP.secret, js_code: code });
  return JSON.parse(await (await fetch(`${base}/sns/jscode2session?${query}`)).text()) as Record<string, unknown>;
}

describe('POST /__sim/faults', () => {
  it('makes the next call answer an errcode (with a rid), then lets calls through', async () => {
    await device.fault({ api: 'jscode2session', errcode: -1 });
    const user = await device.createUser();
    const code = await device.login(user.openid);
    const busy = await exchange(code);
    expect(busy.errcode).toBe(-1);
    expect(String(busy.errmsg)).toMatch(/^system error/);
    expect(String(busy.errmsg)).toMatch(RID);
    expect((await exchange(code)).openid).toBe(user.openid); // the spoiled call did not use the code
  });

  it('spoils exactly `times` calls', async () => {
    await device.fault({ api: 'token', errcode: 45011, times: 2 });
    expect((await fetchToken()).errcode).toBe(45011);
    expect((await fetchToken()).errcode).toBe(45011);
    expect((await fetchToken()).access_token).toEqual(expect.any(String));
  });

  it('touches only the API it names', async () => {
    await device.fault({ api: 'stable_token', errcode: -1 });
    expect((await fetchToken()).access_token).toEqual(expect.any(String));
    expect(sim.state.faults()).toHaveLength(1);
  });

  it('delays the real answer by delayMs', async () => {
    await device.fault({ api: 'token', delayMs: 200 });
    const started = performance.now();
    const answer = await fetchToken();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190); // a lower bound: a slow machine only adds
    expect(answer.access_token).toEqual(expect.any(String));
  });

  it('drops the connection with no answer', async () => {
    await device.fault({ api: 'token', drop: true });
    await expect(fetch(tokenUrl())).rejects.toThrow(/fetch failed/);
    expect((await fetchToken()).access_token).toEqual(expect.any(String));
  });

  it('answers a raw 5xx page, or a garbage body', async () => {
    await device.fault({ api: 'token', status: 502 });
    const gateway = await fetch(tokenUrl());
    expect(gateway.status).toBe(502);
    expect(await gateway.text()).toContain('502 Bad Gateway');

    await device.fault({ api: 'token', body: '<html>not json' });
    const garbage = await fetch(tokenUrl());
    expect(garbage.status).toBe(200);
    expect(await garbage.text()).toBe('<html>not json');

    await device.fault({ api: 'token', status: 503, body: { errcode: -1, errmsg: 'busy' } });
    const jsonBody = await fetch(tokenUrl());
    expect(jsonBody.status).toBe(503);
    expect(await jsonBody.json()).toEqual({ errcode: -1, errmsg: 'busy' });
  });

  it('applies faults of one API in the order they were added', async () => {
    await device.fault({ api: 'token', errcode: -1 });
    await device.fault({ api: 'token', errcode: 40164 });
    expect((await fetchToken()).errcode).toBe(-1);
    expect((await fetchToken()).errcode).toBe(40164);
  });

  it('spoils the device login too (what wx.login calls)', async () => {
    const user = await device.createUser();
    await device.fault({ api: 'login', errcode: -1 });
    await expect(device.login(user.openid)).rejects.toMatchObject({ errcode: -1, message: expect.stringMatching(RID) });
    expect(await device.login(user.openid)).toEqual(expect.any(String));
  });
});

describe('GET and DELETE /__sim/faults', () => {
  it('lists pending faults and clears them all', async () => {
    await device.fault({ api: 'token', errcode: -1, times: 3 });
    await device.fault({ api: 'checksession', delayMs: 10 });
    const listed = (await (await fetch(`${base}/__sim/faults`)).json()) as { faults: unknown[] };
    expect(listed.faults).toEqual([
      expect.objectContaining({ api: 'token', errcode: -1, remaining: 3 }),
      expect.objectContaining({ api: 'checksession', delayMs: 10, remaining: 1 }),
    ]);
    const cleared = (await (await fetch(`${base}/__sim/faults`, { method: 'DELETE' })).json()) as { cleared: number };
    expect(cleared.cleared).toBe(2);
    expect((await fetchToken()).access_token).toEqual(expect.any(String));
  });
});

describe('closing with a call hanging on a delay fault', () => {
  it('does not wait for the delay', async () => {
    const own = createSimulator({ apps: [APP] });
    const ownBase = await own.listen();
    await createDeviceClient(ownBase).fault({ api: 'token', delayMs: 60_000 });
    const hanging = fetch(`${ownBase}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.secret}`).catch(
      (error: unknown) => error,
    );
    // The hanging call has taken the fault: it is waiting out the delay.
    await eventually(async () => expect(own.state.faults()).toEqual([]));
    const started = performance.now();
    await own.close();
    // A close that waited would take the minute; 2 s is a close that did not, on a busy machine too.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
