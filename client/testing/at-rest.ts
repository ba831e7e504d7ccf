// "Nothing else happened" as a fact the system states, not a sleep: a phone is at rest when no
// wx call is in flight (no answer is on its way) and the login machine runs no actor and holds
// no timer. Nothing can then go out until someone acts, however slow the machine is.

import type { MiniAuth } from '../index.js';
import type { LoginSnapshot } from '../view.js';
import type { WxRuntime } from '../../simulator/index.js';

/** What a phone is made of, for the wait below: the SDK and the wx runtime under it. */
export interface RunningPhone {
  readonly auth: MiniAuth;
  readonly runtime: WxRuntime;
}

export interface RestOptions {
  /** Timers that may stay set (state ids, e.g. `login.failed.coolingDown`: a minute, by design). */
  timers?: readonly string[];
  timeoutMs?: number;
}

/** The ids of the active states that hold a timer (an `after` transition). */
export function heldTimers(snapshot: LoginSnapshot): string[] {
  return snapshot._nodes.filter((node) => node.after.length > 0).map((node) => node.id);
}

/** Why the phone is not at rest, or null when it is. */
export function restlessness(phone: RunningPhone, allowedTimers: readonly string[] = []): string | null {
  const snapshot = phone.auth.getSnapshot();
  const inFlight = phone.runtime.sim.inFlight();
  if (inFlight > 0) return `${inFlight} wx call(s) in flight`;
  const actors = Object.keys(snapshot.children);
  if (actors.length > 0) return `actor(s) running: ${actors.join(', ')}`;
  const timers = heldTimers(snapshot).filter((id) => !allowedTimers.includes(id));
  if (timers.length > 0) return `timer(s) held in ${timers.join(', ')}`;
  return null;
}

/**
 * Waits (real time, short steps) until the phone is at rest. Each look is a macrotask after the
 * last: the SDK's reaction to an answer (promise callbacks) has run by then. The deadline is for
 * a phone that never rests (a loop); resting takes milliseconds, a few seconds on a busy machine.
 */
export async function atRest(phone: RunningPhone, options: RestOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reason = restlessness(phone, options.timers);
    if (reason === null) return;
    if (Date.now() > deadline) throw new Error(`the phone never came to rest: ${reason}`);
  }
}
