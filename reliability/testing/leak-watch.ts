// The leak scan: everything a client received, every log line a server wrote and every event
// in the log is kept, then searched for every secret the run used (session keys, the app
// secret, the JWT secret), in the encodings a careless line would print them in.

import type { Queryable } from '../../server/store/database.js';

export type Place = 'answer' | 'log' | 'event';

/** The ways a secret may appear in text: as is, URL-encoded, base64url, hex of its bytes. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(secret) && secret.length % 4 === 0) {
    const bytes = Buffer.from(secret, 'base64');
    forms.add(bytes.toString('base64url'));
    forms.add(bytes.toString('hex'));
  }
  return [...forms];
}

export interface Leak {
  place: Place;
  secret: string;
  excerpt: string;
}

export class LeakWatch {
  readonly #texts: Record<Place, string[]> = { answer: [], log: [], event: [] };
  readonly #secrets = new Map<string, string>();

  /** A secret to look for; `label` names it in a failure without printing it whole. */
  secret(value: string, label: string): void {
    if (value.length < 8) throw new Error(`${label}: too short to scan for`);
    this.#secrets.set(value, label);
  }

  record(place: Place, text: string): void {
    this.#texts[place].push(text);
  }

  /** An HTTP answer as the client got it: status line, headers and body. */
  answer(status: number, headers: Headers, body: string): void {
    this.record('answer', `${status}\n${JSON.stringify([...headers])}\n${body}`);
  }

  /** Every event of a log (data and metadata). */
  async events(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ type: string; data: unknown; metadata: unknown }>('SELECT type, data, metadata FROM events ORDER BY global_position');
    for (const row of rows) this.record('event', JSON.stringify(row));
    return rows.length;
  }

  counts(): Record<Place, number> {
    return { answer: this.#texts.answer.length, log: this.#texts.log.length, event: this.#texts.event.length };
  }

  secretCount(): number {
    return this.#secrets.size;
  }

  /** Every place a secret shows up in (empty when nothing leaked). */
  leaks(): Leak[] {
    const found: Leak[] = [];
    for (const place of Object.keys(this.#texts) as Place[]) {
      const text = this.#texts[place].join('\n');
      for (const [secret, label] of this.#secrets) {
        for (const form of spellings(secret)) {
          const at = text.indexOf(form);
          if (at < 0) continue;
          found.push({ place, secret: label, excerpt: text.slice(Math.max(0, at - 80), at).concat('<SECRET>') });
          break; // one report per secret and place
        }
      }
    }
    return found;
  }
}
