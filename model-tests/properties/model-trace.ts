// The trace the model expects for a path: each step's expected scene, as a person would see it.

import type { ModelPath } from '../model/paths.js';
import { expectedScene } from '../model/expectations.js';
import { FAILURES } from '../model/outcomes.js';
import type { SceneStep, Trace } from './trace.js';
import { traceOf } from './trace.js';

export function modelSceneSteps(path: ModelPath): SceneStep[] {
  return path.steps.map(({ event, state }) => {
    const retryAfter = event.type === 'END' && event.ending === 'rateLimited' ? FAILURES.rateLimited.retryAfterSeconds : undefined;
    return { event, scene: expectedScene(state), ...(retryAfter ? { retryAfterMs: retryAfter * 1000 } : {}) };
  });
}

export function modelTrace(path: ModelPath): Trace {
  return traceOf(modelSceneSteps(path));
}
