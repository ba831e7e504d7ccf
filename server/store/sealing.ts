// Crypto-shredding. The personal fields of an event are sealed (AES-256-GCM) with a key kept
// per stream in `personal_data_keys`, outside the log. Destroying the key (in the statement of
// the event that erases the stream) makes the sealed bytes unreadable for good, although the
// log is append-only: a later read gets the event back without those fields and with
// `redacted: true`. Which fields are personal is the stream type's to say (./stream-types.ts).

import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { AppendPart } from './append.js';
import type { Queryable } from './database.js';
import type { NewEvent, RecordedEvent } from './events.js';

export interface StreamKey {
  keyId: string;
  secret: Buffer;
}

/** How sealed fields sit in an event's data: `{ ...publicFields, sealed }`. */
interface Sealed {
  key: string;
  iv: string;
  /** base64 of ciphertext followed by the 16-byte GCM tag. */
  box: string;
}

interface KeyRow {
  key_id: string;
  secret: Uint8Array;
}

export const toStreamKey = (row: KeyRow): StreamKey => ({ keyId: row.key_id, secret: Buffer.from(row.secret) });

/** A new key for a stream that has none yet; stored by `createKeyPart` with the events it seals. */
export function newStreamKey(): StreamKey {
  return { keyId: randomUUID(), secret: randomBytes(32) };
}

/**
 * Stores the stream's new key in the statement that appends the events sealed with it. If the
 * stream got a key meanwhile (another process), nothing is inserted, and so no event either:
 * the append is a ConcurrencyError, and the next attempt reads the key that won.
 */
export function createKeyPart(streamId: string, key: StreamKey): AppendPart {
  return {
    requiredByAppend: true,
    sql: (param) =>
      `INSERT INTO personal_data_keys (key_id, subject, secret) ` +
      `VALUES (${param(key.keyId, 'uuid')}, ${param(streamId, 'text')}, ${param(key.secret, 'bytea')}) ` +
      'ON CONFLICT (subject) DO NOTHING RETURNING key_id',
  };
}

/** Destroys the stream's key with the events that erase it. */
export function destroyKeyPart(streamId: string): AppendPart {
  return { sql: (param, when) => `DELETE FROM personal_data_keys WHERE subject = ${param(streamId, 'text')} AND ${when}` };
}

function personalPart(event: NewEvent, fields: readonly string[]): Record<string, unknown> | undefined {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const present = fields.filter((field) => data[field] !== undefined);
  if (present.length === 0) return undefined;
  return Object.fromEntries(present.map((field) => [field, data[field]]));
}

// Binding the ciphertext to its stream and event type stops a sealed box being moved elsewhere.
const aad = (streamId: string, type: string): Buffer => Buffer.from(`${streamId}\0${type}`);

/** Whether the event carries any of these fields (and so needs the stream's key). */
export function carriesAny(event: NewEvent, fields: readonly string[]): boolean {
  return personalPart(event, fields) !== undefined;
}

/** The event as the log stores it: its personal fields replaced by one sealed box. */
export function sealEvent(event: NewEvent, fields: readonly string[], key: StreamKey | undefined, streamId: string): NewEvent {
  const personal = personalPart(event, fields);
  if (!personal) return event;
  if (!key) throw new Error(`${event.type} carries personal data but no key was given.`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
  cipher.setAAD(aad(streamId, event.type));
  const box = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const data = Object.fromEntries(Object.entries(event.data as Record<string, unknown>).filter(([field]) => !(field in personal)));
  const sealed: Sealed = { key: key.keyId, iv: iv.toString('base64'), box: box.toString('base64') };
  return { ...event, data: { ...data, sealed } };
}

function sealedOf(data: unknown): Sealed | undefined {
  const sealed = (data as { sealed?: Sealed } | null)?.sealed;
  return sealed && typeof sealed.key === 'string' ? sealed : undefined;
}

function unseal(box: Sealed, secret: Buffer, recorded: RecordedEvent): Record<string, unknown> {
  const bytes = Buffer.from(box.box, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(box.iv, 'base64'));
  decipher.setAAD(aad(recorded.streamId, recorded.type));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
}

/** A stored event with its sealed fields opened; without its key they are gone (`redacted`). */
export function openEvent(recorded: RecordedEvent, keys: ReadonlyMap<string, Buffer>): RecordedEvent {
  const stored = recorded.data;
  if (typeof stored !== 'object' || stored === null || !('sealed' in stored)) return recorded;
  const { sealed: _sealed, ...rest } = stored as Record<string, unknown>;
  const box = sealedOf(stored);
  const secret = box ? keys.get(box.key) : undefined;
  const data = box && secret ? { ...rest, ...unseal(box, secret, recorded) } : { ...rest, redacted: true };
  return { ...recorded, data };
}

/** The keys (by key id) that sealed these events, in one query; destroyed ones are absent. */
export async function keysFor(q: Queryable, recorded: readonly RecordedEvent[]): Promise<Map<string, Buffer>> {
  const keyIds = [...new Set(recorded.flatMap((event) => sealedOf(event.data)?.key ?? []))];
  if (keyIds.length === 0) return new Map();
  const { rows } = await q.query<KeyRow>('SELECT key_id, secret FROM personal_data_keys WHERE key_id = ANY($1::uuid[])', [keyIds]);
  return new Map(rows.map((row) => [row.key_id, Buffer.from(row.secret)]));
}

/** Opens stored events, fetching the keys they were sealed with in one query. */
export async function openEvents(q: Queryable, recorded: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
  const keys = await keysFor(q, recorded);
  return recorded.map((event) => openEvent(event, keys));
}
