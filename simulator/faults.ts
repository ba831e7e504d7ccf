import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { wechatError } from './wechat-errors.js';
import type { SimClock } from './clock.js';

/**
 * Fault injection: the next calls of one API answer an errcode, hang, drop the connection, or
 * answer a raw status and body (a gateway's 502 page, garbage), so the server's error paths
 * can be exercised against something that behaves like a bad day at WeChat.
 */

export const FAULT_APIS = [
  'jscode2session',
  'token',
  'stable_token',
  'getuserphonenumber',
  'checksession',
  'login',
  'msg_sec_check',
  'media_check_async',
  'charge_usage',
] as const;

export type FaultApi = (typeof FAULT_APIS)[number];

export interface FaultSpec {
  api: FaultApi;
  /** Answer `{ errcode, errmsg }` (HTTP 200, rid in errmsg) instead of the real answer. */
  errcode?: number | undefined;
  /** Wait this long (real time) before answering or applying the rest of the fault. */
  delayMs?: number | undefined;
  /** Destroy the connection without an answer. */
  drop?: boolean | undefined;
  /** How many calls the fault applies to (default 1). */
  times?: number | undefined;
  /** Answer this HTTP status (with `body`, or a short HTML error page). */
  status?: number | undefined;
  /** Answer this raw body: a string as text, anything else as JSON. */
  body?: unknown;
}

export interface Fault extends FaultSpec {
  /** Calls still to be spoiled. */
  remaining: number;
}

export class FaultBook {
  private faults: Fault[] = [];
  private readonly waits = new Set<() => void>();
  private closed = false;

  constructor(private readonly clock: SimClock) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }

  pending(): readonly Readonly<Fault>[] {
    return this.faults;
  }

  /** The fault for this call, if any; faults for one API apply in the order they were added. */
  take(api: FaultApi): Fault | undefined {
    const fault = this.faults.find((candidate) => candidate.api === api);
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  /** A fastify onRequest hook that spoils calls of `api` while faults for it are pending. */
  hook(api: FaultApi) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      const fault = this.take(api);
      if (fault === undefined) return undefined;
      if (fault.delayMs !== undefined && fault.delayMs > 0) await this.wait(fault.delayMs);
      if (fault.drop === true || this.closed) {
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      }
      if (fault.status !== undefined || fault.body !== undefined) {
        sendRaw(reply, fault.status ?? 200, fault.body);
        return reply;
      }
      if (fault.errcode !== undefined) {
        reply.send(wechatError(fault.errcode, this.clock.now()));
        return reply;
      }
      return undefined; // a pure delay: the real answer follows, late
    };
  }

  /** Ends every pending delay at once; the hanging calls are then dropped. */
  close(): void {
    this.closed = true;
    for (const release of this.waits) release();
    this.waits.clear();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.waits.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.waits.add(release);
    });
  }
}

function sendRaw(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status);
  if (body === undefined) {
    const text = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
    reply.type('text/html').send(`<html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>`);
  } else if (typeof body === 'string') {
    reply.type('text/plain').send(body);
  } else {
    reply.type('application/json').send(JSON.stringify(body));
  }
}
