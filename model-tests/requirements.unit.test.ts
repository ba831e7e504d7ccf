// The requirements, checked as properties of what the person, the network and the server see,
// on long seeded random walks of the machine in its abstract world (the generated paths are
// checked in login-model.unit.test.ts, the real system's runs in the end-to-end files).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from './properties/index.js';
import { REQUIREMENTS } from './properties/requirements.js';
import { choicesArbitrary, walk, WALKS } from './walks/random-walk.js';
import { checkWalk } from './walks/walk-report.js';

describe('the requirements hold', () => {
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

  it('and docs/model-tests.md lists each requirement with the properties that check it', () => {
    const doc = readFileSync(new URL('../docs/model-tests.md', import.meta.url), 'utf8');
    for (const id of Object.keys(REQUIREMENTS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| ${id} |`));
      expect(row, id).toBeDefined();
      const listed = PROPERTIES.filter((property) => property.requirements.includes(id as never)).map((property) => `\`${property.id}\``);
      expect(row!.split('|').at(-2)!.trim().split(', ').sort(), id).toEqual(listed.sort());
    }
  });
});
