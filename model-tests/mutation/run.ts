// `npm run test:mutation`: Stryker mutates the login machine and the client's request broker
// and runs, against every mutant, the model-level files of the model tests (fast; most mutants
// die there). Each mutant they let through is then judged alone (./rejudge.ts) by all the model
// tests, end-to-end runs included, and each the model tests let through by the rest of the suite. It prints the two scores; mutants
// documented as equivalent (equivalent-mutants.json, each with its reason) are left out of the
// denominators. The figures and the survivors are written to model-tests/mutation/score.json.
//
// `npm run test:mutation -- --survivors` judges again only the last run's survivors, after
// tests were added: a test added can kill a mutant, never bring one back. `-- --resume` takes
// the first pass from its report (reports/mutation/model-units.json) instead of running it.

import { readFileSync, writeFileSync } from 'node:fs';
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { equivalenceOf, mutantKey } from './equivalents.js';
import type { Equivalent, Mutant } from './equivalents.js';
import { killedBy, type TestSet } from './rejudge.js';

const CONFIG = 'model-tests/mutation/stryker.config.mjs';
const EQUIVALENTS = new URL('./equivalent-mutants.json', import.meta.url);
const SCORE = new URL('./score.json', import.meta.url);

const KILLED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

interface Score {
  mutants: number;
  equivalent: number;
  judged: number;
  killedByModelTests: number;
  modelTestsScore: number;
  killedByWholeSuite: number;
  wholeSuiteScore: number;
  /** Mutants the model tests let through, and those the whole suite let through. */
  modelSurvivors: Mutant[];
  suiteSurvivors: Mutant[];
  minutes: number;
}

async function mutate(options: PartialStrykerOptions): Promise<Mutant[]> {
  process.env['MODEL_TESTS'] = 'units';
  const results = (await new Stryker({ configFile: CONFIG, ...options }).runMutationTest()) as unknown as Mutant[];
  return results.map(({ fileName, mutatorName, replacement, location, status }) => ({ fileName, mutatorName, replacement, location, status }));
}

// The later passes judge each mutant alone in a sandbox (./rejudge.ts), stopping at the first
// failing test: all the model tests, end-to-end runs included; then the rest of the suite that
// imports the mutated file.
const MODEL_TESTS: TestSet = { config: 'model-tests/mutation/vitest.config.ts', related: false, env: { MODEL_TESTS: 'all' }, timeoutMs: 5 * 60_000 };
const REST_OF_SUITE: TestSet = { config: 'model-tests/mutation/vitest.rest.config.ts', related: true, timeoutMs: 15 * 60_000 };

const UNITS_REPORT = 'reports/mutation/model-units.json';

/** The mutants of a Stryker JSON report. */
function fromReport(file: string): Mutant[] {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { files: Record<string, { mutants: Mutant[] }> };
  return Object.entries(report.files).flatMap(([fileName, { mutants }]) =>
    mutants.map(({ mutatorName, replacement, location, status }) => ({ fileName, mutatorName, replacement, location, status })));
}

const percent = (part: number, whole: number) => (whole === 0 ? 100 : Math.floor((1000 * part) / whole) / 10);
const describe = (mutant: Mutant) => `${mutant.fileName}:${mutant.location.start.line} ${mutant.mutatorName}: ${mutant.replacement ?? ''}`;

/** The score of `total` mutants, `equivalent` of them documented so, once the candidates the model-level files let through are judged further. */
async function judge(total: number, equivalent: number, candidates: readonly Mutant[], started: number): Promise<Score> {
  const judged = total - equivalent;
  console.log(`\nall the model tests, on the ${candidates.length} mutants the model-level files let through:`);
  const killedByModel = await killedBy(process.cwd(), candidates, MODEL_TESTS);
  const modelSurvivors = candidates.filter((mutant) => !killedByModel.has(mutantKey(mutant)));
  console.log(`\nthe rest of the suite, on the ${modelSurvivors.length} mutants the model tests let through:`);
  const killedBySuite = await killedBy(process.cwd(), modelSurvivors, REST_OF_SUITE);
  const suiteSurvivors = modelSurvivors.filter((mutant) => !killedBySuite.has(mutantKey(mutant)));
  return {
    mutants: total,
    equivalent,
    judged,
    killedByModelTests: judged - modelSurvivors.length,
    modelTestsScore: percent(judged - modelSurvivors.length, judged),
    killedByWholeSuite: judged - suiteSurvivors.length,
    wholeSuiteScore: percent(judged - suiteSurvivors.length, judged),
    modelSurvivors,
    suiteSurvivors,
    minutes: Math.round((Date.now() - started) / 6000) / 10,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const equivalents = JSON.parse(readFileSync(EQUIVALENTS, 'utf8')) as Equivalent[];
  const isEquivalent = (mutant: Mutant) => equivalenceOf(mutant, equivalents) !== null;
  let score: Score;
  if (process.argv.includes('--survivors')) {
    const last = JSON.parse(readFileSync(SCORE, 'utf8')) as Score;
    const nowEquivalent = last.modelSurvivors.filter(isEquivalent).length;
    score = await judge(last.mutants, last.equivalent + nowEquivalent, last.modelSurvivors.filter((mutant) => !isEquivalent(mutant)), started);
  } else {
    const firstPass = process.argv.includes('--resume')
      ? fromReport(UNITS_REPORT)
      : await mutate({ jsonReporter: { fileName: UNITS_REPORT } });
    const all = firstPass.filter((mutant) => VALID.has(mutant.status));
    // A killed mutant is not equivalent, whatever the list says: it stays judged, and the entry
    // that matched it is reported as stale.
    const alive = all.filter((mutant) => !KILLED.has(mutant.status));
    const excusing = new Set(alive.map((mutant) => equivalenceOf(mutant, equivalents)));
    for (const entry of equivalents.filter((candidate) => !excusing.has(candidate))) {
      console.warn(`equivalent-mutants.json: no surviving mutant matches this entry (remove it): ${entry.file} ${entry.mutator} ${entry.replacement} | ${entry.line}`);
    }
    const candidates = alive.filter((mutant) => !isEquivalent(mutant));
    score = await judge(all.length, alive.filter(isEquivalent).length, candidates, started);
  }
  writeFileSync(SCORE, `${JSON.stringify(score, null, 2)}\n`);
  console.log([
    '',
    `mutants: ${score.mutants}, of which ${score.equivalent} documented as equivalent: ${score.judged} judged`,
    `killed by the model tests alone: ${score.killedByModelTests} of ${score.judged} (${score.modelTestsScore} %)`,
    `killed by the whole suite:       ${score.killedByWholeSuite} of ${score.judged} (${score.wholeSuiteScore} %)`,
    ...(score.modelSurvivors.length > 0 ? ['survivors of the model tests:', ...score.modelSurvivors.map((mutant) => `  ${describe(mutant)}`)] : []),
    ...(score.suiteSurvivors.length > 0 ? ['survivors of the whole suite:', ...score.suiteSurvivors.map((mutant) => `  ${describe(mutant)}`)] : []),
    `in ${score.minutes} minutes`,
  ].join('\n'));
}

await main();
