// Payloads are built here the way WeChat builds them (node:crypto, AES-128-CBC, PKCS#7),
// never with the code under test.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpenDataError } from './errors.js';
import { decryptOpenData, verifyRawDataSignature } from './open-data.js';

const appId = 'wx1234567890abcdef';
const openid = 'oUser-0001';

function wechatPayload(data: object, key = randomBytes(16), iv = randomBytes(16)) {
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return { sessionKey: key.toString('base64'), iv: iv.toString('base64'), encryptedData: encrypted.toString('base64') };
}

const userInfo = {
  openId: openid,
  nickName: '小明',
  gender: 1,
  avatarUrl: 'https://thirdwx.qlogo.cn/a.png',
  unionId: 'union-1',
  watermark: { appid: appId, timestamp: 1_700_000_000 },
};

function rejection(run: () => unknown): OpenDataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OpenDataError);
    return error as OpenDataError;
  }
  throw new Error('expected an OpenDataError');
}

describe('decryptOpenData', () => {
  it('decrypts a WeChat payload and keeps unknown fields', () => {
    const payload = wechatPayload({ ...userInfo, futureField: { x: 1 } });
    const data = decryptOpenData({ appId, openid, ...payload });
    expect(data).toMatchObject({ openId: openid, nickName: '小明', futureField: { x: 1 } });
    expect(data.watermark.appid).toBe(appId);
  });

  it('accepts a payload without openId (getUserProfile style) for any session', () => {
    const { openId: _dropped, ...withoutOpenId } = userInfo;
    const payload = wechatPayload(withoutOpenId);
    expect(decryptOpenData({ appId, openid, ...payload }).nickName).toBe('小明');
  });

  it('rejects a session key that is not 24 characters / 16 bytes with -41001', () => {
    const payload = wechatPayload(userInfo);
    for (const sessionKey of ['', payload.sessionKey.slice(0, 20), randomBytes(24).toString('base64'), `${payload.sessionKey.slice(0, 23)}*`]) {
      const error = rejection(() => decryptOpenData({ appId, ...payload, sessionKey }));
      expect(error).toMatchObject({ errcode: -41001, code: 'OPEN_DATA_SESSION_KEY_INVALID' });
    }
  });

  it('rejects an iv of the wrong length or alphabet with -41002', () => {
    const payload = wechatPayload(userInfo);
    for (const iv of [randomBytes(12).toString('base64'), payload.iv.replace(/.$/, '!'), ` ${payload.iv.slice(1)}`]) {
      const error = rejection(() => decryptOpenData({ appId, ...payload, iv }));
      expect(error).toMatchObject({ errcode: -41002, code: 'OPEN_DATA_IV_INVALID' });
    }
  });

  it("rejects URL-encoded '+' turned into spaces with -41003 and says why", () => {
    let payload = wechatPayload(userInfo);
    while (!payload.encryptedData.includes('+')) payload = wechatPayload(userInfo);
    const mangled = payload.encryptedData.replaceAll('+', ' ');
    const error = rejection(() => decryptOpenData({ appId, ...payload, encryptedData: mangled }));
    expect(error).toMatchObject({ errcode: -41003, code: 'OPEN_DATA_MALFORMED' });
    expect(error.message).toContain('URL-encoded');
  });

  it('rejects junk characters, missing padding, empty and partial-block ciphertext', () => {
    const payload = wechatPayload(userInfo);
    const cases = [
      `${payload.encryptedData.slice(0, 8)}#${payload.encryptedData.slice(9)}`,
      randomBytes(32).toString('base64').replace(/=+$/, ''),
      payload.encryptedData.slice(0, -1),
      '',
      randomBytes(20).toString('base64'),
    ];
    for (const encryptedData of cases) {
      const error = rejection(() => decryptOpenData({ appId, ...payload, encryptedData }));
      expect(error.errcode).toBe(-41003);
    }
  });

  it('rejects a wrong session key (stale key after a new wx.login) with -41003', () => {
    const payload = wechatPayload(userInfo);
    let failures = 0;
    // Many keys: a wrong key sometimes passes PKCS#7, and must still be caught by the JSON/watermark checks.
    for (let i = 0; i < 400; i++) {
      const error = rejection(() => decryptOpenData({ appId, ...payload, sessionKey: randomBytes(16).toString('base64') }));
      expect(error.errcode).toBe(-41003);
      failures++;
    }
    expect(failures).toBe(400);
  });

  it('rejects a wrong iv (only the first block is corrupted) with -41003', () => {
    const payload = wechatPayload(userInfo);
    const error = rejection(() => decryptOpenData({ appId, ...payload, iv: randomBytes(16).toString('base64') }));
    expect(error).toMatchObject({ errcode: -41003, code: 'OPEN_DATA_DECRYPT_FAILED' });
  });

  it('rejects a payload issued for another app (foreign watermark)', () => {
    const payload = wechatPayload({ ...userInfo, watermark: { appid: 'wxffffffffffffffff', timestamp: 1 } });
    const error = rejection(() => decryptOpenData({ appId, ...payload }));
    expect(error).toMatchObject({ errcode: -41003, code: 'OPEN_DATA_WATERMARK_MISMATCH' });
  });

  it('rejects a payload without a watermark', () => {
    const { watermark: _w, ...bare } = userInfo;
    const error = rejection(() => decryptOpenData({ appId, ...wechatPayload(bare) }));
    expect(error.code).toBe('OPEN_DATA_WATERMARK_MISMATCH');
  });

  it("rejects a payload of another user under this session's key", () => {
    const payload = wechatPayload({ ...userInfo, openId: 'oSomeoneElse' });
    const error = rejection(() => decryptOpenData({ appId, openid, ...payload }));
    expect(error).toMatchObject({ code: 'OPEN_DATA_OPENID_MISMATCH' });
  });

  it('rejects valid ciphertext whose plaintext is not a JSON object', () => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', key, iv);
    const encryptedData = Buffer.concat([cipher.update('[1,2,3]'), cipher.final()]).toString('base64');
    const error = rejection(() => decryptOpenData({ appId, sessionKey: key.toString('base64'), iv: iv.toString('base64'), encryptedData }));
    expect(error.code).toBe('OPEN_DATA_DECRYPT_FAILED');
  });

  it('never puts the session key into the error', () => {
    const payload = wechatPayload(userInfo);
    const error = rejection(() => decryptOpenData({ ...payload, appId: 'wxother' }));
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(payload.sessionKey);
  });
});

describe('verifyRawDataSignature', () => {
  const sessionKey = randomBytes(16).toString('base64');
  const rawData = JSON.stringify({ nickName: '小明', gender: 1, avatarUrl: 'https://thirdwx.qlogo.cn/a.png' });
  const signature = createHash('sha1').update(rawData + sessionKey).digest('hex');

  it('accepts the signature WeChat computes (sha1 of rawData + session_key text)', () => {
    expect(() => verifyRawDataSignature({ rawData, sessionKey, signature })).not.toThrow();
    expect(() => verifyRawDataSignature({ rawData, sessionKey, signature: signature.toUpperCase() })).not.toThrow();
  });

  it('rejects a tampered rawData, a tampered signature and a wrong-length one', () => {
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    const cases = [
      { rawData: rawData.replace('小明', '小红'), sessionKey, signature },
      { rawData, sessionKey, signature: flipped },
      { rawData, sessionKey, signature: signature.slice(0, 39) },
      { rawData, sessionKey, signature: '' },
      { rawData, sessionKey: randomBytes(16).toString('base64'), signature },
    ];
    for (const input of cases) {
      const error = rejection(() => verifyRawDataSignature(input));
      expect(error).toMatchObject({ code: 'OPEN_DATA_SIGNATURE_INVALID' });
    }
  });

  it('rejects a malformed session key with -41001', () => {
    const error = rejection(() => verifyRawDataSignature({ rawData, sessionKey: 'short', signature }));
    expect(error.errcode).toBe(-41001);
  });
});
