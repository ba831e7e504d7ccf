// The explicit bounds of every exploration of the test model, and the check that stops a machine
// whose context grows without bound in seconds, naming the value, instead of letting the walk
// of its state space run out of memory.

import type { ModelState } from './test-model.js';

/**
 * No count in the login context passes this in the model's world, where every cap is 1 (one
 * automatic retry, one silent re-login): three times the largest cap.
 */
export const COUNT_LIMIT = 3;
/** No list in the context grows longer than the page requests alive at once in any exploration (4). */
export const LIST_LIMIT = 4;

/** Distinct abstract states a path generation may visit (the shipped machine needs about 8,900). */
export const MAX_MODEL_STATES = 15_000;

export class UnboundedContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnboundedContextError';
  }
}

/** Epoch milliseconds (a token's expiry) are times, not counts. */
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e9;

/** The counts a context holds: top-level integers, and the lengths of its lists. */
export function contextCounts(context: object): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(context)) {
    if (isCount(value)) counts[key] = value;
    else if (Array.isArray(value)) counts[`${key}.length`] = value.length;
  }
  return counts;
}

/** Throws, naming the value, when a count in the machine's context has passed the limit. */
export function checkContextBounds(state: ModelState, after: string): void {
  if (!state.machine) return;
  for (const [name, count] of Object.entries(contextCounts(state.machine.context))) {
    const limit = name.endsWith('.length') ? LIST_LIMIT : COUNT_LIMIT;
    if (count > limit) {
      throw new UnboundedContextError(
        `The login machine's context value "${name}" reached ${count} after "${after}", past ${limit}, in a world where every `
        + `cap is 1 and at most ${LIST_LIMIT} page requests wait: it grows without bound, so the model's state space is infinite. `
        + 'Find what increments it without a guard that stops it, or what forgets to reset it.',
      );
    }
  }
}

/**
 * The message for a path generation that passed MAX_MODEL_STATES: the counts of the context
 * that kept growing across the states it visited, largest first.
 */
export function explosionReport(visited: readonly ModelState[]): string {
  const largest = new Map<string, number>();
  for (const state of visited) {
    if (!state.machine) continue;
    for (const [name, count] of Object.entries(contextCounts(state.machine.context))) {
      largest.set(name, Math.max(largest.get(name) ?? 0, count));
    }
  }
  const growing = [...largest].filter(([, count]) => count > 1).sort((a, b) => b[1] - a[1]);
  const named = growing.length > 0
    ? `context values that kept growing: ${growing.map(([name, count]) => `"${name}" (up to ${count})`).join(', ')}`
    : 'no count in the login context grew: the world around it did (see model/abstraction.ts)';
  return `Path generation passed ${MAX_MODEL_STATES} model states (the shipped machine needs about 8,900); ${named}.`;
}
