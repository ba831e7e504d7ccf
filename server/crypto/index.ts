export { decryptOpenData, verifyRawDataSignature, SESSION_KEY_INVALID, IV_INVALID, DECRYPT_FAILED } from './open-data.js';
export type { OpenData, OpenDataWatermark, DecryptOpenDataInput, RawDataSignatureInput } from './open-data.js';
export { decodeStrictBase64 } from './base64.js';
