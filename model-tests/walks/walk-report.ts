// Checks a walk against the requirements and tells, in a person's words, where it went wrong.

import { describeEvent } from '../model/alphabet.js';
import type { ModelPath } from '../model/paths.js';
import type { Violation } from '../properties/index.js';
import { checkTrace, describeViolation } from '../properties/index.js';
import { modelTrace } from '../properties/model-trace.js';
import type { Property } from '../properties/property.js';

export interface WalkCheck {
  violations: Violation[];
  report(): string;
}

export function checkWalk(path: ModelPath, properties?: readonly Property[]): WalkCheck {
  const trace = modelTrace(path);
  const violations = checkTrace(trace, properties);
  return {
    violations,
    report: () => violations.map((violation) => describeViolation(violation, trace, (step) => describeEvent(step.event))).join('\n\n'),
  };
}
