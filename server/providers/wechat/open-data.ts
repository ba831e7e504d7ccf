// WeChat's legacy encrypted user-info payload (getUserInfo / getUserProfile "open data"):
// AES-128-CBC with PKCS#7 under the session_key, a watermark naming the app, and
// signature = sha1(rawData + session_key text). Error codes follow WeChat's own SDK.

import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { OpenDataError } from './errors.js';
import { decodeStrictBase64, describeBase64Problem } from './base64.js';

export const SESSION_KEY_INVALID = -41001;
export const IV_INVALID = -41002;
export const DECRYPT_FAILED = -41003;

export interface OpenDataWatermark {
  appid: string;
  timestamp: number;
}

/** The decrypted JSON; WeChat adds fields over time, so unknown ones are kept as they are. */
export interface OpenData {
  watermark: OpenDataWatermark;
  openId?: string;
  unionId?: string;
  nickName?: string;
  avatarUrl?: string;
  [field: string]: unknown;
}

export interface DecryptOpenDataInput {
  appId: string;
  sessionKey: string;
  encryptedData: string;
  iv: string;
  /** The openid of the session that supplied sessionKey; checked against the payload's openId. */
  openid?: string;
}

function sessionKeyBytes(sessionKey: string): Buffer {
  const key = sessionKey.length === 24 ? decodeStrictBase64(sessionKey) : undefined;
  if (key?.length !== 16) {
    throw new OpenDataError('OPEN_DATA_SESSION_KEY_INVALID', 'The session key is not 16 bytes of base64; log in again.', SESSION_KEY_INVALID);
  }
  return key;
}

function ivBytes(iv: string): Buffer {
  const bytes = decodeStrictBase64(iv);
  if (iv.length !== 24 || bytes?.length !== 16) {
    const why = bytes === undefined ? describeBase64Problem(iv) : 'is not 24 characters (16 bytes)';
    throw new OpenDataError('OPEN_DATA_IV_INVALID', `iv ${why}.`, IV_INVALID);
  }
  return bytes;
}

function cipherBytes(encryptedData: string): Buffer {
  const bytes = decodeStrictBase64(encryptedData);
  if (bytes === undefined) {
    throw new OpenDataError('OPEN_DATA_MALFORMED', `encryptedData ${describeBase64Problem(encryptedData)}.`, DECRYPT_FAILED);
  }
  if (bytes.length === 0 || bytes.length % 16 !== 0) {
    throw new OpenDataError('OPEN_DATA_MALFORMED', 'encryptedData is not a whole number of AES blocks.', DECRYPT_FAILED);
  }
  return bytes;
}

const decryptFailed = () =>
  // One error for bad padding and bad JSON alike: almost always a stale session_key.
  new OpenDataError('OPEN_DATA_DECRYPT_FAILED', 'The payload does not decrypt with the current session key; log in again and resend it.', DECRYPT_FAILED);

function stripPkcs7(block: Buffer): Buffer {
  const pad = block[block.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > block.length) throw decryptFailed();
  for (let i = block.length - pad; i < block.length; i++) {
    if (block[i] !== pad) throw decryptFailed();
  }
  return block.subarray(0, block.length - pad);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decrypts and checks a legacy user-info payload; throws OpenDataError on any mismatch. */
export function decryptOpenData(input: DecryptOpenDataInput): OpenData {
  const key = sessionKeyBytes(input.sessionKey);
  const iv = ivBytes(input.iv);
  const ciphertext = cipherBytes(input.encryptedData);

  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);

  let payload: unknown;
  try {
    payload = JSON.parse(stripPkcs7(padded).toString('utf8'));
  } catch (error) {
    if (error instanceof OpenDataError) throw error;
    throw decryptFailed();
  }
  if (!isRecord(payload)) throw decryptFailed();

  // A wrong key passes the padding check about 1 time in 300: the watermark is the real proof.
  const watermark = payload['watermark'];
  if (!isRecord(watermark) || watermark['appid'] !== input.appId) {
    throw new OpenDataError('OPEN_DATA_WATERMARK_MISMATCH', 'The payload was not issued for this app.', DECRYPT_FAILED);
  }
  const openId = payload['openId'];
  if (input.openid !== undefined && typeof openId === 'string' && openId !== input.openid) {
    throw new OpenDataError('OPEN_DATA_OPENID_MISMATCH', 'The payload belongs to another WeChat user.');
  }
  return payload as OpenData;
}

export interface RawDataSignatureInput {
  rawData: string;
  sessionKey: string;
  signature: string;
}

/** Checks signature = sha1(rawData + session_key) in constant time; throws when it differs. */
export function verifyRawDataSignature(input: RawDataSignatureInput): void {
  sessionKeyBytes(input.sessionKey);
  const expected = createHash('sha1').update(input.rawData + input.sessionKey, 'utf8').digest();
  const given = /^[0-9a-fA-F]{40}$/.test(input.signature) ? Buffer.from(input.signature, 'hex') : Buffer.alloc(0);
  // timingSafeEqual needs equal lengths; a wrong-length signature is rejected without comparing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new OpenDataError('OPEN_DATA_SIGNATURE_INVALID', 'The rawData signature does not match; log in again and resend it.');
  }
}
