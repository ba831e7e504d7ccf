import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceClient } from './device-client.js';
import { createSimulator, redactUrl, type Simulator } from './server.js';

const APP = { appId: 'wx00000000000000a1', secret: 'very-secret-app-secret' };
const lines: string[] = [];
let sim: Simulator;
let base: string;

beforeAll(async () => {
  sim = createSimulator({ apps: [APP], logger: true, logStream: { write: (line) => void lines.push(line) } });
  base = await sim.listen();
});

afterAll(async () => {
  await sim.close();
});

describe('request logging', () => {
  it('logs the calls but never the app secret, the code, the session_key or the access token', async () => {
    const device = createDeviceClient(base);
    const user = await device.createUser();
    const code = await device.login(user.openid);
    await fetch(`${base}/sns/jscode2session?appid=${APP.appId}&secret=${APP.secret}&js_code=${code}&grant_type=authorization_code`);
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret });
    const { access_token: token } = (await (await fetch(`${base}/cgi-bin/token?${query}`)).json()) as { access_token: string };
    await fetch(`${base}/wxa/checksession?access_token=${token}&openid=${user.openid}&signature=abc&sig_method=hmac_sha256`);

    const log = lines.join('');
    expect(log).toContain('/sns/jscode2session');
    expect(log).toContain('/wxa/checksession');
    for (const secret of [APP.secret, code, user.sessionKey, token]) expect(log).not.toContain(secret);
  });

  it('redactUrl cuts every secret-bearing query value', () => {
    expect(redactUrl('/sns/jscode2session?appid=wx1&secret=s&js_code=c&grant_type=authorization_code')).toBe(
      '/sns/jscode2session?appid=wx1&secret=[redacted]&js_code=[redacted]&grant_type=authorization_code',
    );
  });
});
