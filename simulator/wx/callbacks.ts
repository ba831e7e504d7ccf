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

/**
 * An option's callbacks, typed with what the simulator reports: the fields WeChat always sends.
 * The typings' callbacks also name fields only some phones or apps get (cloudID, HttpDNS details).
 */
export function callbacksOf<S, F>(option: WechatMiniprogram.AsyncMethodOptionLike | undefined): Callbacks<S, F> | undefined {
  return option as Callbacks<S, F> | undefined;
}

/** WeChat's signature of an async call that also has a promise style. */
export type AsyncCall<O extends WechatMiniprogram.AsyncMethodOptionLike> = <T extends O = O>(
  option?: T,
) => WechatMiniprogram.PromisifySuccessResult<T, O>;

/**
 * An async `wx` call in both of WeChat's styles: with success, fail or complete in the option,
 * the outcome goes to them; without (base library 2.10.2+), the call returns a promise of the
 * success result that rejects with the failure. `settle` works out the outcome.
 */
export function asyncCall<O extends WechatMiniprogram.AsyncMethodOptionLike, S, F = WxFailResult>(
  settle: (option: O | undefined) => Settled<S, F> | Promise<Settled<S, F>>,
): AsyncCall<O> {
  const call = (option?: O) => {
    const outcome = settle(option);
    const callbacks = callbacksOf<S, F>(option);
    if (callbacks && (callbacks.success || callbacks.fail || callbacks.complete)) return deliver(callbacks, outcome);
    return Promise.resolve(outcome).then((settled) => (settled.ok ? settled.value : Promise.reject(settled.error)));
  };
  // The return type is a conditional on the caller's option type, which an implementation
  // cannot be checked against: `call` returns void exactly when a callback was given.
  return call as AsyncCall<O>;
}

/** `<api>:ok`, the success errMsg of every call. */
export function ok(api: string): { errMsg: string } {
  return { errMsg: `${api}:ok` };
}

export function fail(api: string, reason: string, errno?: number): WxFailResult {
  return errno === undefined ? { errMsg: `${api}:fail ${reason}` } : { errMsg: `${api}:fail ${reason}`, errno };
}
