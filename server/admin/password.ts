// Operators' passwords, hashed with scrypt (memory-hard): N = 2^15, r = 8, p = 1 (32 MiB and
// about 50–100 ms a try), a 16-byte random salt, a 32-byte key. The parameters travel in the
// hash, `scrypt$15$8$1$<salt>$<key>` (base64url), so that they can be raised later.

import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_PARAMETERS = { log2N: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Up to N = 2^17 with r = 8: 128 × N × r bytes, and room.
const MAX_MEMORY = 256 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_BYTES, { ...options, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, { N: 2 ** log2N, r, p });
  return `scrypt$${log2N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  options: ScryptOptions;
  salt: Buffer;
  key: Buffer;
}

function parse(hash: string): ParsedHash | undefined {
  const [scheme, log2N, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return undefined;
  const numbers = [log2N, r, p].map(Number);
  const [n, blockSize, parallel] = numbers as [number, number, number];
  if (!numbers.every(Number.isInteger) || n < 14 || n > 17 || blockSize < 8 || blockSize > 32 || parallel < 1 || parallel > 8) return undefined;
  return { options: { N: 2 ** n, r: blockSize, p: parallel }, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Whether a hash is one this module can check (its parameters within bounds). */
export function isUsableHash(hash: string): boolean {
  return parse(hash) !== undefined;
}

// Checked against for unknown names, so that a wrong name takes as long as a wrong password.
const DUMMY = { options: { N: 2 ** SCRYPT_PARAMETERS.log2N, r: SCRYPT_PARAMETERS.r, p: SCRYPT_PARAMETERS.p }, salt: Buffer.alloc(SALT_BYTES), key: Buffer.alloc(KEY_BYTES) };

/** Whether the password matches the hash; an unknown operator (no hash) costs the same time. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const parsed = (hash === undefined ? undefined : parse(hash)) ?? DUMMY;
  const key = await scrypt(password, parsed.salt, parsed.options);
  return parsed !== DUMMY && key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
