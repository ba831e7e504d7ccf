// Proof that each requirement can say "this machine is wrong": random walks of a machine with
// one realistic bug planted break the properties that guard against it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MACHINE_VARIANTS } from './planted/machine-variants.js';
import { PROPERTIES } from './properties/index.js';
import { choicesArbitrary, walk, WALKS } from './walks/random-walk.js';
import { checkWalk } from './walks/walk-report.js';

/** Walks the variant until every property it names has failed once (or the walks run out). */
function brokenBy(variant: (typeof MACHINE_VARIANTS)[number]): { broken: Set<string>; first: string } {
  const broken = new Set<string>();
  let first = '';
  fc.check(fc.property(choicesArbitrary(), (choices) => {
    const check = checkWalk(walk(choices, variant.machine));
    for (const violation of check.violations) broken.add(violation.property.id);
    first ||= check.report();
    return !variant.caughtBy.every((id) => broken.has(id));
  }), { seed: WALKS.seed, numRuns: WALKS.runs, endOnFailure: true });
  return { broken, first };
}

describe('a machine with a bug planted breaks the requirements that guard against it', () => {
  for (const variant of MACHINE_VARIANTS) {
    it(`${variant.name}: ${variant.caughtBy.join(', ')}`, () => {
      const { broken, first } = brokenBy(variant);
      expect([...broken], first).toEqual(expect.arrayContaining(variant.caughtBy));
    });
  }

  it('every property is shown to fail on some planted bug', () => {
    const shown = new Set(MACHINE_VARIANTS.flatMap((variant) => variant.caughtBy));
    expect(PROPERTIES.map((property) => property.id).filter((id) => !shown.has(id))).toEqual([]);
  });
});
