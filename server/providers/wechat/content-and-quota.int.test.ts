// The gateway's content security and phone-quota calls against the simulator over loopback:
// verdicts and trace ids read, 61010 (not visited in 2 hours) told apart, the usage API read
// across pages, and the login provider's port over them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP, rejectionOf, startHarness, type Harness } from '../../testing/wechat-harness.js';
import { isMessageSignature, messageSignature } from './content-security.js';
import { WeChatError } from './errors.js';
import { createWeChatLoginProvider } from './wechat-provider.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.device.clearFaults();
  await h.device.contentReview({ rules: [] });
});
afterAll(() => h.close());

describe('content security v2', () => {
  it('reads a text verdict, and asks for an image check with the trace id its push will carry', async () => {
    const user = await h.device.createUser();
    await h.device.login(user.openid);
    await h.device.contentReview({ rules: [{ contains: 'bad', suggest: 'risky', label: 20001 }] });
    const gateway = h.gateway();
    expect(await gateway.checkText(APP.appId, user.openid, 'Mei')).toEqual({ suggest: 'pass', label: 100, traceId: expect.any(String) });
    expect(await gateway.checkText(APP.appId, user.openid, 'so bad')).toMatchObject({ suggest: 'risky', label: 20001 });
    const { traceId } = await gateway.checkImage(APP.appId, user.openid, 'https://img.example/a.png');
    expect((await h.device.pendingPushes()).map((push) => push.traceId)).toContain(traceId);
    expect(h.calls.filter((path) => path === '/wxa/msg_sec_check')).toHaveLength(2);
  });

  it('tells "not visited in the last 2 hours" (61010) apart, and the provider answers it as not_visited', async () => {
    const user = await h.device.createUser();
    const failure = await rejectionOf(h.gateway().checkText(APP.appId, user.openid, 'Mei'));
    expect(failure).toBeInstanceOf(WeChatError);
    expect(failure).toMatchObject({ code: 'WECHAT_USER_NOT_VISITED', errcode: 61010 });
    const provider = createWeChatLoginProvider(h.gateway(), [APP.appId]);
    expect(await provider.reviewText!(APP.appId, user.openid, 'Mei')).toEqual({ kind: 'not_visited' });
    expect(await provider.reviewImage!(APP.appId, user.openid, 'https://img.example/a.png')).toEqual({ kind: 'not_visited' });
  });

  it('maps a busy WeChat to a retryable error, not a verdict', async () => {
    const user = await h.device.createUser();
    await h.device.login(user.openid);
    await h.device.fault({ api: 'msg_sec_check', errcode: -1 });
    expect(await rejectionOf(h.gateway().checkText(APP.appId, user.openid, 'Mei'))).toMatchObject({ code: 'WECHAT_BUSY', retryable: true });
  });

  it('signs and checks pushes as WeChat does: sha1 of the sorted token, timestamp and nonce', () => {
    const signature = messageSignature('token', '1700000000', '42');
    expect(signature).toMatch(/^[0-9a-f]{40}$/);
    expect(isMessageSignature('token', '1700000000', '42', signature)).toBe(true);
    expect(isMessageSignature('token', '1700000000', '42', signature.toUpperCase())).toBe(true);
    expect(isMessageSignature('other', '1700000000', '42', signature)).toBe(false);
    expect(isMessageSignature('token', '1700000000', '42', 'short')).toBe(false);
  });
});

describe('the phone-number quota', () => {
  it('reads every page of packages, and counts only active ones as left', async () => {
    const packages = [{ all: 1000, used: 1000, source: 1 as const }, ...Array.from({ length: 24 }, (_, i) => ({ all: 100, used: i, status: (i === 0 ? 3 : 1) as 1 | 3 }))];
    await h.device.setPhoneQuota(packages);
    const provider = createWeChatLoginProvider(h.gateway(), [APP.appId]);
    const quota = await provider.phoneQuota!(APP.appId);
    expect(quota.packages).toHaveLength(25);
    expect(quota.all).toBe(1000 + 2400);
    expect(quota.left).toBe(packages.slice(2).reduce((sum, item) => sum + (item.all - item.used), 0));
    expect(quota.packages[0]).toMatchObject({ status: 'active', all: 1000, used: 1000, source: 1 });
    expect(quota.packages[1]).toMatchObject({ status: 'expired' });
    expect(h.calls.filter((path) => path === '/wxa/charge/usage/get').length).toBe(2);
  });
});
