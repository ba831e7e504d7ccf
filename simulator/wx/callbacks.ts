import type { Callbacks, WxFailResult } from '../wx-types.js';

/** How an async `wx` call ended. */
export type Settled<S, F = WxFailResult> = { ok: true; value: S } | { ok: false; error: F };

export function succeeded<S>(value: S): Settled<S, never> {
  return { ok: true, value };
}

export function failed<F>(error: F): Settled<never, F> {
  return { ok: false, error };
}

/**
 * Reports an outcome through WeChat's callbacks: `success` or `fail`, then `complete`, always
 * after the call has returned (as on the device, where results cross from the native side).
 */
export function deliver<S, F>(callbacks: Callbacks<S, F> | undefined, outcome: Settled<S, F> | Promise<Settled<S, F>>): void {
  void Promise.resolve(outcome).then((settled) => {
    if (settled.ok) {
      callbacks?.success?.(settled.value);
      callbacks?.complete?.(settled.value);
    } else {
      callbacks?.fail?.(settled.error);
      callbacks?.complete?.(settled.error);
    }
  });
}

/** `<api>:ok`, the success errMsg of every call. */
export function ok(api: string): { errMsg: string } {
  return { errMsg: `${api}:ok` };
}

export function fail(api: string, reason: string, errno?: number): WxFailResult {
  return errno === undefined ? { errMsg: `${api}:fail ${reason}` } : { errMsg: `${api}:fail ${reason}`, errno };
}
