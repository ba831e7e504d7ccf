// Crypto-shredding of personal fields, apart from any database: sealed with the stream's key,
// opened with it, unreadable (redacted) without it, and tamper-evident.

import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewEvent, RecordedEvent } from './events.js';
import { carriesAny, openEvent, sealEvent, type StreamKey } from './sealing.js';

const key: StreamKey = { keyId: randomUUID(), secret: randomBytes(32) };
const userId = randomUUID();
const subject = `user-${userId}`;
const PERSONAL = ['nickname', 'avatarUrl'];

function stored(event: NewEvent, streamId = subject): RecordedEvent {
  return {
    id: randomUUID(),
    streamId,
    streamPosition: 1,
    globalPosition: 1,
    transactionId: '1',
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
    metadata: event.metadata ?? {},
    recordedAt: new Date(),
  };
}

const profile = {
  type: 'ProfileUpdated',
  data: { userId, nickname: '阿梅', avatarUrl: 'https://img/mei.png', source: 'fill_in', at: '2025-01-01T00:00:00.000Z' },
  metadata: { requestId: 'r-1' },
};

describe('sealing personal data in events', () => {
  it('stores only non-personal fields in clear, and opens back to the same event with the key', () => {
    const sealed = sealEvent(profile, PERSONAL, key, subject);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain('阿梅');
    expect(text).not.toContain('mei.png');
    expect(sealed.data).toMatchObject({ userId, source: 'fill_in', at: profile.data.at });
    const opened = openEvent(stored(sealed), new Map([[key.keyId, key.secret]]));
    expect({ type: opened.type, data: opened.data, metadata: opened.metadata }).toEqual(profile);
  });

  it('reads back as redacted, with no personal fields, once the key is gone', () => {
    const opened = openEvent(stored(sealEvent(profile, PERSONAL, key, subject)), new Map());
    expect(opened.data).toEqual({ userId, source: 'fill_in', at: profile.data.at, redacted: true });
    expect(opened.metadata).toEqual({ requestId: 'r-1' });
  });

  it('leaves events without personal data untouched, and refuses to seal without a key', () => {
    const revoked = { type: 'SessionsRevoked', data: { userId, tokenVersion: 1, at: profile.data.at } };
    expect(carriesAny(revoked, PERSONAL)).toBe(false);
    expect(sealEvent(revoked, PERSONAL, undefined, subject)).toBe(revoked);
    expect(carriesAny(profile, PERSONAL)).toBe(true);
    expect(() => sealEvent(profile, PERSONAL, undefined, subject)).toThrow(/no key/);
  });

  it('refuses a sealed box that was altered or moved to another stream', () => {
    const keys = new Map([[key.keyId, key.secret]]);
    const sealed = sealEvent(profile, PERSONAL, key, subject);
    const moved = stored(sealed, `user-${randomUUID()}`);
    expect(() => openEvent(moved, keys)).toThrow();
    const altered = stored(sealed);
    const box = (altered.data as { sealed: { box: string } }).sealed;
    const bytes = Buffer.from(box.box, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    box.box = bytes.toString('base64');
    expect(() => openEvent(altered, keys)).toThrow();
  });
});
