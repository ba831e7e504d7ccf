// What the parent asks the load process to do, and what it answers. Shared by ./load.ts (the
// parent's side) and ./load-worker.ts (the child); plain data, so it crosses IPC as is.

export interface RequestShape {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /**
   * One body per request, used in order (e.g. one fresh wx.login code each); else no body.
   * Give more than the run can use: once they are used up the last one is repeated.
   */
  bodies?: string[];
  /** Headers taken in turn, one set per request, over `headers` (e.g. many users' tokens). */
  headerCycle?: Array<Record<string, string>>;
}

/**
 * As many requests as the server takes, from `connections` connections (autocannon), for
 * `seconds`, or until `count` requests were answered. Measure with `seconds`: a run that stops
 * after a count ends with a tail of fewer requests in flight and understates the rate.
 */
export interface ThroughputJob {
  kind: 'throughput';
  url: string;
  request: RequestShape;
  connections: number;
  seconds?: number;
  count?: number;
}

/** Requests started at a fixed rate whatever the answers (open loop: no coordinated omission). */
export interface PacedJob {
  kind: 'paced';
  url: string;
  request: RequestShape;
  perSecond: number;
  /** Requests in all; with `bodies`, at most their number. */
  count: number;
}

export type LoadJob = ThroughputJob | PacedJob;

export interface LoadResult {
  /** Answers with a 2xx status. */
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
  seconds: number;
  /** ok / seconds. */
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** The first failure's status and body, to say why when a run goes wrong. */
  firstFailure?: string;
}
