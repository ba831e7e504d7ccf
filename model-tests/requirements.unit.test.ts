// The requirements, checked as properties of what the person, the network and the server see,
// on every step of every path generated from the machine and on long seeded random walks of
// the machine in its abstract world.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePaths } from './model/paths.js';
import { PROPERTIES } from './properties/index.js';
import { REQUIREMENTS } from './properties/requirements.js';
import { choicesArbitrary, walk, WALKS } from './walks/random-walk.js';
import { checkWalk } from './walks/walk-report.js';

describe('the requirements hold', () => {
  it('on every step of every path generated from the machine', () => {
    const { paths } = generatePaths();
    const reports = paths.map((path) => checkWalk(path)).filter((check) => check.violations.length > 0).map((check) => check.report());
    expect(reports.join('\n\n')).toBe('');
  });

  it(`on ${WALKS.runs} seeded random walks of ${WALKS.steps} events (seed ${WALKS.seed})`, () => {
    let steps = 0;
    fc.assert(fc.property(choicesArbitrary(), (choices) => {
      const path = walk(choices);
      steps += path.steps.length;
      const check = checkWalk(path);
      if (check.violations.length > 0) throw new Error(check.report());
    }), { seed: WALKS.seed, numRuns: WALKS.runs });
    expect(steps).toBe(WALKS.runs * WALKS.steps);
  });

  it('each name a documented requirement', () => {
    const named = PROPERTIES.flatMap((property) => property.requirements);
    expect(Object.keys(REQUIREMENTS)).toEqual(expect.arrayContaining(named));
    expect(new Set(named)).toEqual(new Set(Object.keys(REQUIREMENTS)));
    expect(new Set(PROPERTIES.map((property) => property.id)).size).toBe(PROPERTIES.length);
  });
});
