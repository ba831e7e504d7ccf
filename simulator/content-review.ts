import { createHash, randomBytes } from 'node:crypto';
import type { SimClock } from './clock.js';

/**
 * WeChat's content security as the simulator plays it: verdicts come from rules a test sets
 * (a text or URL containing `contains` gets `suggest` and `label`; everything else passes),
 * text checks answer at once, image checks push their verdict later to the app's message
 * endpoint, signed with its token, after a delay a test controls (or when it says so).
 */

export type Suggest = 'pass' | 'review' | 'risky';

export interface ReviewRule {
  contains: string;
  suggest: Suggest;
  /** WeChat's label; default 100 for pass, 20002 (porn) for the others. */
  label?: number | undefined;
  /** Which check the rule applies to; both by default. */
  check?: 'text' | 'image' | undefined;
}

export interface MessageEndpoint {
  url: string;
  token: string;
}

export interface PendingPush {
  appId: string;
  openid: string;
  traceId: string;
  mediaUrl: string;
  suggest: Suggest;
  label: number;
  dueAt: number;
}

export interface Delivery {
  traceId: string;
  /** The endpoint's HTTP status, or 0 when it could not be reached. */
  status: number;
  body: string;
}

/** The v2 security APIs check only people who opened the mini program in the last 2 hours. */
export const VISIT_WINDOW_MS = 2 * 3_600_000;
/** media_check_async: 2,000 a minute per app. */
export const MEDIA_CHECKS_PER_MINUTE = 2000;

export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export class ContentReview {
  private rules: ReviewRule[] = [];
  private readonly endpoints = new Map<string, MessageEndpoint>();
  private readonly pending = new Map<string, PendingPush>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  readonly delivered: Delivery[] = [];
  /** How long after the check its verdict is pushed; null holds every push until `flush`. */
  pushDelayMs: number | null = 0;
  private readonly minuteCounts = new Map<string, { minute: number; count: number }>();

  constructor(private readonly clock: SimClock) {}

  setRules(rules: readonly ReviewRule[]): void {
    this.rules = [...rules];
  }

  ruleList(): readonly ReviewRule[] {
    return this.rules;
  }

  verdict(content: string, check: 'text' | 'image'): { suggest: Suggest; label: number } {
    const rule = this.rules.find((each) => (each.check === undefined || each.check === check) && content.includes(each.contains));
    if (rule === undefined) return { suggest: 'pass', label: 100 };
    return { suggest: rule.suggest, label: rule.label ?? (rule.suggest === 'pass' ? 100 : 20002) };
  }

  setEndpoint(appId: string, endpoint: MessageEndpoint): void {
    this.endpoints.set(appId, endpoint);
  }

  endpoint(appId: string): MessageEndpoint | undefined {
    return this.endpoints.get(appId);
  }

  /** Counts a media check against the app's minute limit; false once it is reached. */
  admitMediaCheck(appId: string): boolean {
    const minute = Math.floor(this.clock.now() / 60_000);
    const counted = this.minuteCounts.get(appId);
    const current = counted?.minute === minute ? counted : { minute, count: 0 };
    if (current.count >= MEDIA_CHECKS_PER_MINUTE) return false;
    current.count += 1;
    this.minuteCounts.set(appId, current);
    return true;
  }

  /** A media check accepted: its verdict is decided now and pushed after the delay. */
  acceptMediaCheck(appId: string, openid: string, mediaUrl: string): string {
    const traceId = `${Math.floor(this.clock.now() / 1000).toString(16)}-${randomBytes(8).toString('hex')}`;
    const { suggest, label } = this.verdict(mediaUrl, 'image');
    const delay = this.pushDelayMs;
    this.pending.set(traceId, { appId, openid, traceId, mediaUrl, suggest, label, dueAt: this.clock.now() + (delay ?? 0) });
    if (delay !== null) {
      const timer = setTimeout(() => {
        this.timers.delete(traceId);
        void this.push(traceId);
      }, delay);
      timer.unref();
      this.timers.set(traceId, timer);
    }
    return traceId;
  }

  pendingPushes(): readonly PendingPush[] {
    return [...this.pending.values()];
  }

  /** Pushes every verdict still held now, and resolves with how each endpoint answered. */
  async flush(): Promise<Delivery[]> {
    const traces = [...this.pending.keys()];
    const results = await Promise.all(traces.map((traceId) => this.push(traceId)));
    return results.filter((result): result is Delivery => result !== undefined);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async push(traceId: string): Promise<Delivery | undefined> {
    const push = this.pending.get(traceId);
    if (push === undefined) return undefined;
    const endpoint = this.endpoints.get(push.appId);
    if (endpoint === undefined) return undefined; // kept until an endpoint is configured and flushed
    this.pending.delete(traceId);
    clearTimeout(this.timers.get(traceId));
    this.timers.delete(traceId);
    const now = this.clock.now();
    const timestamp = String(Math.floor(now / 1000));
    const nonce = String(randomBytes(4).readUInt32BE());
    const query = new URLSearchParams({ signature: pushSignature(endpoint.token, timestamp, nonce), timestamp, nonce });
    const body = {
      ToUserName: `gh_${push.appId.slice(2, 14)}`,
      FromUserName: push.openid,
      CreateTime: Math.floor(now / 1000),
      MsgType: 'event',
      Event: 'wxa_media_check',
      appid: push.appId,
      trace_id: push.traceId,
      version: 2,
      result: { suggest: push.suggest, label: push.label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: push.suggest, label: push.label, prob: 90 }],
    };
    let delivery: Delivery;
    try {
      const response = await fetch(`${endpoint.url}${endpoint.url.includes('?') ? '&' : '?'}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      delivery = { traceId, status: response.status, body: await response.text() };
    } catch {
      delivery = { traceId, status: 0, body: '' };
    }
    this.delivered.push(delivery);
    return delivery;
  }
}
