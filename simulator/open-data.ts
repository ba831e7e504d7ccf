import { createCipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';

/**
 * WeChat's cryptography as the phone and the platform perform it, written here with
 * node:crypto so the simulator never borrows the server's code (a shared bug would hide).
 */

/** base64 of 16 random bytes: 24 characters, like a real session_key. */
export function newSessionKey(): string {
  return randomBytes(16).toString('base64');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A `wx.login` code: 32 characters, as on the device. */
export function newLoginCode(): string {
  return randomText(32);
}

/** A getPhoneNumber button code: longer than a login code, so the two are easy to tell apart. */
export function newPhoneCode(): string {
  return randomText(64, '0123456789abcdef');
}

/** openid and unionid: 28 characters starting with `o`, the shape real ones have. */
export function newOpenid(): string {
  return `o${randomText(27, `${ALNUM}-_`)}`;
}

export function newUnionid(): string {
  return `o${randomText(27, `${ALNUM}-_`)}`;
}

export function newAccessToken(): string {
  return randomBytes(96).toString('base64url');
}

/** A mainland mobile number: 11 digits starting with 1. */
export function newPhoneNumber(): string {
  return `1${3 + randomInt(7)}${randomText(9, '0123456789')}`;
}

export interface EncryptedPayload {
  encryptedData: string;
  iv: string;
}

/** AES-128-CBC, PKCS#7 padding, key = the decoded session_key, fresh random IV. */
export function encryptOpenData(plaintext: object, sessionKey: string): EncryptedPayload {
  const key = Buffer.from(sessionKey, 'base64');
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
  return { encryptedData: body.toString('base64'), iv: iv.toString('base64') };
}

/** `sha1(rawData + session_key)`, hex, with the session_key as its base64 text. */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash('sha1').update(rawData + sessionKey, 'utf8').digest('hex');
}

/** checkSessionKey's signature: HMAC-SHA256 keyed by the session_key TEXT over the empty string. */
export function sessionSignature(sessionKey: string): string {
  return createHmac('sha256', sessionKey).update('').digest('hex');
}
