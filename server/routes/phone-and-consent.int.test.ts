// Phone numbers as a paid quota, and consent on the record, on the real server with the
// simulator: a bound number is never asked for again (across reinstalls nothing more is
// charged), a code is exchanged once with its outcome recorded, 1400001 ends in a clear outcome;
// consent given and withdrawn is in the person's export and audit trail; an erased person's
// export holds no personal data; the quota watch warns when a package runs low.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/databases.js';
import { createLoginProviders } from '../providers/login-providers.js';
import { createWeChatGateway, createWeChatLoginProvider } from '../providers/wechat/index.js';
import { exportPersonalData } from '../services/personal-export.js';
import { createPhoneQuotaWatch } from '../services/phone-quota.js';
import { createUserEventStore, findUserByOpenid } from '../users/index.js';
import { DeviceClientError } from '../../simulator/index.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

describe.each(databaseTargets())('phone numbers and consent on $name', (target) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(() => h?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    h.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });

  it('binds a number once: the user view says so after a reinstall, and nothing more is charged', async () => {
    const { openid, token } = await h.login();
    const charged = h.sim.state.phoneQuota(h.config.wechat.apps[0]!.appId).charged;
    const code = await h.device.phoneCode(openid);
    const bound = await call('POST', '/me/phone', token, { code });
    expect(bound.json().user).toMatchObject({ phoneBound: true, phone: expect.stringMatching(/^\d{3}\*+\d{4}$/) });
    // A reinstall: storage gone, a fresh login. The SDK reads phoneBound and shows no button.
    const again = await h.login(openid);
    expect(again.body['user']).toMatchObject({ phoneBound: true });
    expect(h.sim.state.phoneQuota(h.config.wechat.apps[0]!.appId).charged).toBe(charged + 1);
  });

  it('sends a code to WeChat once, even when two requests bring it at the same time', async () => {
    const { openid, token } = await h.login();
    const code = await h.device.phoneCode(openid);
    const answers = await Promise.all([call('POST', '/me/phone', token, { code }), call('POST', '/me/phone', token, { code })]);
    const outcomes = answers.map((answer) => answer.json().error ?? 'BOUND').sort();
    expect(outcomes).toEqual(['BOUND', 'WECHAT_PHONE_CODE_USED']);
    expect(await h.countEvents('PhoneNumberBound')).toBeGreaterThanOrEqual(1);
  });

  it('records a code WeChat refuses (PhoneNumberNotBound), and lets a code WeChat never took be tried again', async () => {
    const { openid, token } = await h.login();
    const code = await h.device.phoneCode(openid);
    await h.device.fault({ api: 'getuserphonenumber', errcode: -1 });
    const busy = await call('POST', '/me/phone', token, { code });
    expect([busy.statusCode, busy.json().error]).toEqual([503, 'WECHAT_BUSY']);
    const retried = await call('POST', '/me/phone', token, { code });
    expect(retried.json().user.phoneBound).toBe(true);

    const before = await h.countEvents('PhoneNumberNotBound');
    const expired = await call('POST', '/me/phone', token, { code: 'never-issued-code' });
    expect(expired.json()).toMatchObject({ error: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029 });
    expect(await h.countEvents('PhoneNumberNotBound')).toBe(before + 1);
  });

  it('turns 1400001 into a recorded outcome, not an error', async () => {
    const appId = h.config.wechat.apps[0]!.appId;
    const { openid, token } = await h.login();
    await h.device.setPhoneQuota([{ all: 10, used: 10 }]);
    const spent = await h.device.phoneCode(openid).catch((error: unknown) => error);
    expect(spent).toBeInstanceOf(DeviceClientError);
    expect((spent as DeviceClientError).errcode).toBe(1400001);
    const before = await h.countEvents('PhoneNumberUnavailable');
    const reported = await call('POST', '/me/phone/unavailable', token, { errno: 1400001, errMsg: 'getPhoneNumber:fail no permission' });
    expect(reported.statusCode).toBe(200);
    expect(reported.json()).toMatchObject({ code: 1, outcome: 'PHONE_QUOTA_SPENT', user: { phoneBound: false } });
    expect(await h.countEvents('PhoneNumberUnavailable')).toBe(before + 1);
    const wrong = await call('POST', '/me/phone/unavailable', token, { errno: 104 });
    expect([wrong.statusCode, wrong.json().error]).toEqual([400, 'VALIDATION_FAILED']);
    await h.device.setPhoneQuota([{ all: 1000, source: 1 }], appId);
  });

  it('records consent given and withdrawn; the export and the events show it; an erased export holds no personal data', async () => {
    const { openid, token } = await h.login();
    const given = await call('POST', '/me/consent', token, { decision: 'given', guideVersion: '2025-05-01' });
    expect(given.json()).toMatchObject({ code: 1, consent: { decision: 'given', guideVersion: '2025-05-01', at: expect.any(String) } });
    await call('POST', '/me/consent', token, { decision: 'withdrawn', guideVersion: '2025-05-01' });
    const bad = await call('POST', '/me/consent', token, { decision: 'maybe', guideVersion: '' });
    expect([bad.statusCode, bad.json().error]).toEqual([400, 'VALIDATION_FAILED']);
    await call('POST', '/me/phone', token, { code: await h.device.phoneCode(openid) });

    const exported = (await call('GET', '/me/export', token)).json();
    expect(exported).toMatchObject({
      code: 1,
      export: {
        erased: false,
        personalData: { openid, phone: expect.stringMatching(/^\d{6,}$/) },
        consent: { decision: 'withdrawn', guideVersion: '2025-05-01' },
        consentHistory: [{ decision: 'given', guideVersion: '2025-05-01' }, { decision: 'withdrawn', guideVersion: '2025-05-01' }],
      },
    });
    expect(exported.export.history.map((entry: { type: string }) => entry.type)).toEqual(
      expect.arrayContaining(['UserRegistered', 'ConsentRecorded', 'PhoneNumberBound']),
    );
    const sessionKey = (await h.device.user(openid)).sessionKey;
    expect(JSON.stringify(exported)).not.toContain(sessionKey);
    expect(JSON.stringify(exported)).not.toMatch(/session_?key/i);

    const phone = exported.export.personalData.phone as string;
    await call('DELETE', '/me', token);
    const user = await findUserByOpenid(h.db, h.config.wechat.apps[0]!.appId, openid);
    const erased = await exportPersonalData(createUserEventStore(h.db), user!, new Date());
    expect(erased).toMatchObject({ erased: true, personalData: null, consentHistory: [{ decision: 'given' }, { decision: 'withdrawn' }] });
    expect(JSON.stringify(erased)).not.toContain(openid);
    expect(JSON.stringify(erased)).not.toContain(phone);
    // The token died with the account: the route answers as for any revoked login.
    expect((await call('GET', '/me/export', token)).statusCode).toBe(401);
  });

  it('reads the quota through the gateway with one refresher, and warns when a package runs low', async () => {
    const appId = h.config.wechat.apps[0]!.appId;
    await h.device.setPhoneQuota([{ all: 1000, used: 960, source: 1 }, { all: 5000, used: 0 }], appId);
    const warnings: Array<Record<string, unknown>> = [];
    const logger = { warn: (obj: object) => void warnings.push(obj as Record<string, unknown>), error: () => undefined, debug: () => undefined };
    const calls: string[] = [];
    const gateway = createWeChatGateway({ apiBase: h.config.wechat.apiBase, apps: h.config.wechat.apps, logger, clock: () => h.sim.now() });
    const counted = { ...gateway, phoneQuota: (id: string, spu: string) => (calls.push(id), gateway.phoneQuota(id, spu)) };
    const watch = createPhoneQuotaWatch({
      providers: createLoginProviders([createWeChatLoginProvider(counted, [appId])]),
      warnBelow: 50,
      maxAgeMs: 60_000,
      clock: () => h.now(),
      logger,
    });
    const [a, b] = await Promise.all([watch.read(appId), watch.read(appId)]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ left: 5040, all: 6000, used: 960 });
    await watch.read(appId);
    expect(calls).toHaveLength(1);
    expect(warnings).toEqual([expect.objectContaining({ appId, left: 40, source: 1 })]);
    await h.device.setPhoneQuota([{ all: 1000, source: 1 }], appId);
  });
});
