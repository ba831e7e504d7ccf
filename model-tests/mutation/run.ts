// `npm run test:mutation`: Stryker mutates the login machine and the client's request handling
// and runs, against every mutant, the model tests alone: first their model-level files (fast;
// most mutants die there), then all of them, end-to-end runs included, on what survived. Then
// the rest of the suite on what the model tests let through. It prints the two scores; mutants
// documented as equivalent (equivalent-mutants.json, each with its reason) are left out of the
// denominators. The last figures are written to model-tests/mutation/score.json.

import { readFileSync, writeFileSync } from 'node:fs';
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { equivalenceOf, mutantKey } from './equivalents.js';
import type { Equivalent, Mutant } from './equivalents.js';

const CONFIG = 'model-tests/mutation/stryker.config.mjs';
const EQUIVALENTS = new URL('./equivalent-mutants.json', import.meta.url);
const SCORE = new URL('./score.json', import.meta.url);

const KILLED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

async function mutate(options: PartialStrykerOptions, env: Record<string, string> = {}): Promise<Mutant[]> {
  Object.assign(process.env, { MODEL_TESTS: 'all' }, env);
  return (await new Stryker({ configFile: CONFIG, ...options }).runMutationTest()) as unknown as Mutant[];
}

/** Runs `options` on the lines of `mutants` only: the statuses it gives them, by mutant. */
async function rerun(mutants: readonly Mutant[], options: PartialStrykerOptions): Promise<Map<string, string>> {
  const again = await mutate({ ...options, mutate: linesOf(mutants) });
  return new Map(again.map((mutant) => [mutantKey(mutant), mutant.status]));
}

/** Whole lines holding the survivors: Stryker mutates only there the second time. */
function linesOf(mutants: readonly Mutant[]): string[] {
  return mutants.map((mutant) => `${mutant.fileName}:${mutant.location.start.line}-${mutant.location.end.line}`);
}

const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.floor((1000 * part) / whole) / 10);

async function main(): Promise<void> {
  const started = Date.now();
  const equivalents = JSON.parse(readFileSync(EQUIVALENTS, 'utf8')) as Equivalent[];
  const all = (await mutate({ jsonReporter: { fileName: 'reports/mutation/model-units.json' } }, { MODEL_TESTS: 'units' }))
    .filter((mutant) => VALID.has(mutant.status));
  const equivalent = all.filter((mutant) => equivalenceOf(mutant, equivalents) !== null);
  const judged = all.filter((mutant) => equivalenceOf(mutant, equivalents) === null);
  const killedBy = (statuses: Map<string, string>) => (mutant: Mutant) => KILLED.has(statuses.get(mutantKey(mutant)) ?? '');

  let survivors = judged.filter((mutant) => !KILLED.has(mutant.status));
  if (survivors.length > 0) {
    const statuses = await rerun(survivors, { jsonReporter: { fileName: 'reports/mutation/model-tests.json' } });
    survivors = survivors.filter((mutant) => !killedBy(statuses)(mutant));
  }
  const byModelTests = judged.length - survivors.length;

  let stillAlive = survivors;
  if (survivors.length > 0) {
    const statuses = await rerun(survivors, {
      vitest: { configFile: 'model-tests/mutation/vitest.rest.config.ts', related: true },
      jsonReporter: { fileName: 'reports/mutation/rest-of-suite.json' },
    });
    stillAlive = survivors.filter((mutant) => !killedBy(statuses)(mutant));
  }
  const bySuite = judged.length - stillAlive.length;

  const score = {
    mutants: all.length,
    equivalent: equivalent.length,
    judged: judged.length,
    killedByModelTests: byModelTests,
    modelTestsScore: percent(byModelTests, judged.length),
    killedByWholeSuite: bySuite,
    wholeSuiteScore: percent(bySuite, judged.length),
    survivors: stillAlive.map((mutant) => `${mutant.fileName}:${mutant.location.start.line} ${mutant.mutatorName}: ${mutant.replacement ?? ''}`),
    minutes: Math.round((Date.now() - started) / 6000) / 10,
  };
  writeFileSync(SCORE, `${JSON.stringify(score, null, 2)}\n`);
  console.log([
    '',
    `mutants: ${all.length}, of which ${equivalent.length} documented as equivalent: ${judged.length} judged`,
    `killed by the model tests alone: ${byModelTests} of ${judged.length} (${score.modelTestsScore} %)`,
    `killed by the whole suite:       ${bySuite} of ${judged.length} (${score.wholeSuiteScore} %)`,
    ...(stillAlive.length > 0 ? ['survivors:', ...score.survivors.map((line) => `  ${line}`)] : []),
    `in ${score.minutes} minutes`,
  ].join('\n'));
}

await main();
