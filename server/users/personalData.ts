// Crypto-shredding. Personal fields of user events are sealed (AES-256-GCM) with a key kept per
// user stream in `personal_data_keys`, outside the log. Erasure deletes the key in the same
// transaction as `UserErased`: the sealed bytes stay in the append-only log but can no longer
// be read by anyone, and a rebuild reads them back as `redacted`. See docs/privacy.md.

import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { AppendPart } from '../store/append.js';
import type { Queryable } from '../store/database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow, type NewEvent, type RecordedEvent } from '../store/events.js';
import { PERSONAL_FIELDS, type UserEvent } from './events.js';

export interface PersonalDataKey {
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

const toKey = (row: KeyRow): PersonalDataKey => ({ keyId: row.key_id, secret: Buffer.from(row.secret) });

/** A new key for a stream that has none yet; stored by `createKeyPart`, with the events it seals. */
export function newPersonalDataKey(): PersonalDataKey {
  return { keyId: randomUUID(), secret: randomBytes(32) };
}

/**
 * Stores the stream's new key in the statement that appends the events sealed with it. If the
 * stream got a key meanwhile (another process), nothing is inserted, and so no event either:
 * the command is tried again with the key that won.
 */
export function createKeyPart(subject: string, key: PersonalDataKey): AppendPart {
  return {
    requiredByAppend: true,
    sql: (param) =>
      `INSERT INTO personal_data_keys (key_id, subject, secret) ` +
      `VALUES (${param(key.keyId, 'uuid')}, ${param(subject, 'text')}, ${param(key.secret, 'bytea')}) ` +
      'ON CONFLICT (subject) DO NOTHING RETURNING key_id',
  };
}

/** Destroys the stream's key with the erasure's events: everything sealed with it becomes unreadable. */
export function forgetPersonalDataPart(subject: string): AppendPart {
  return { sql: (param, when) => `DELETE FROM personal_data_keys WHERE subject = ${param(subject, 'text')} AND ${when}` };
}

export async function personalDataKeys(q: Queryable, keyIds: readonly string[]): Promise<Map<string, Buffer>> {
  if (keyIds.length === 0) return new Map();
  const { rows } = await q.query<KeyRow>(
    'SELECT key_id, secret FROM personal_data_keys WHERE key_id = ANY($1::uuid[])',
    [[...new Set(keyIds)]],
  );
  return new Map(rows.map((row) => [row.key_id, Buffer.from(row.secret)]));
}

function personalPart(event: UserEvent): Record<string, unknown> | undefined {
  const data = event.data as Record<string, unknown>;
  const fields = PERSONAL_FIELDS[event.type].filter((field) => data[field] !== undefined);
  if (fields.length === 0) return undefined;
  return Object.fromEntries(fields.map((field) => [field, data[field]]));
}

export function needsSealing(event: UserEvent): boolean {
  return personalPart(event) !== undefined;
}

// Binding the ciphertext to its stream and event type stops a sealed box being moved elsewhere.
const aad = (subject: string, type: string): Buffer => Buffer.from(`${subject}\0${type}`);

/** The event as the log stores it: personal fields replaced by one sealed box. */
export function sealEvent(event: UserEvent, key: PersonalDataKey | undefined, subject: string): NewEvent {
  const personal = personalPart(event);
  if (!personal) return event;
  if (!key) throw new Error(`${event.type} carries personal data but no key was given.`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
  cipher.setAAD(aad(subject, event.type));
  const box = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const data = Object.fromEntries(
    Object.entries(event.data).filter(([field]) => !(field in personal)),
  );
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

/** A stored event back in domain form; without its key, the personal fields are gone. */
export function openEvent(recorded: RecordedEvent, keys: ReadonlyMap<string, Buffer>): UserEvent {
  const stored = (recorded.data ?? {}) as Record<string, unknown>;
  let data: Record<string, unknown> = stored;
  if ('sealed' in stored) {
    const { sealed: _sealed, ...rest } = stored;
    const box = sealedOf(stored);
    const secret = box ? keys.get(box.key) : undefined;
    data = box && secret ? { ...rest, ...unseal(box, secret, recorded) } : { ...rest, redacted: true };
  }
  const metadata = Object.keys(recorded.metadata).length > 0 ? { metadata: recorded.metadata } : {};
  return { type: recorded.type, data, ...metadata } as UserEvent;
}

/** Opens stored user events, fetching the keys they were sealed with in one query. */
export async function openUserEvents(q: Queryable, recorded: readonly RecordedEvent[]): Promise<UserEvent[]> {
  const keyIds = recorded.flatMap((event) => sealedOf(event.data)?.key ?? []);
  const keys = await personalDataKeys(q, keyIds);
  return recorded.map((event) => openEvent(event, keys));
}

export interface UserStreamRead {
  /** The position of the stream's last event; 0 when the stream does not exist. */
  version: number;
  /** The events, opened: personal fields sealed with a destroyed key come back `redacted`. */
  events: UserEvent[];
  /** The stream's current key, if it has one. */
  key: PersonalDataKey | undefined;
}

interface StreamKeyRow extends EventRow {
  pd_key_id: string | null;
  pd_secret: Uint8Array | null;
}

/**
 * Reads a user stream and opens it in one query. Every sealed event of a stream was sealed with
 * that stream's key (`personal_data_keys.subject`), so the current key, joined to the first
 * row only, opens everything still readable; events sealed with a key erased since stay sealed.
 */
export async function readUserStream(q: Queryable, streamId: string): Promise<UserStreamRead> {
  const { rows } = await q.query<StreamKeyRow>(
    `SELECT ${EVENT_COLUMNS}, k.key_id AS pd_key_id, k.secret AS pd_secret
     FROM events LEFT JOIN personal_data_keys k ON k.subject = events.stream_id AND events.stream_position = 1
     WHERE stream_id = $1 ORDER BY stream_position`,
    [streamId],
  );
  const first = rows[0];
  const key = first?.pd_key_id && first.pd_secret ? toKey({ key_id: first.pd_key_id, secret: first.pd_secret }) : undefined;
  const keys = new Map(key ? [[key.keyId, key.secret]] : []);
  const recorded = rows.map(toRecordedEvent);
  return {
    version: recorded[recorded.length - 1]?.streamPosition ?? 0,
    events: recorded.map((event) => openEvent(event, keys)),
    key,
  };
}
