// `npm run test:busy`: the whole suite, run several times in a row while other processes burn
// CPU beside it, the way a developer's machine is busy with a build or a second test run. A test
// that passes only on a quiet machine fails here.
//
//   npm run test:busy                    # 3 runs beside 2 burners
//   npm run test:busy -- --runs 1 --burners 4 -- server/login
//
// Each burner is a process spinning on one core at normal priority. The summary prints each
// run's time and result; the exit code is 1 when any run failed.

import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    burners: { type: 'string', default: '2' },
  },
  allowPositionals: true,
});
const runs = Number(values.runs);
const burnerCount = Number(values.burners);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burnerCount) || burnerCount < 0) {
  console.error('usage: test-busy [--runs N ≥ 1] [--burners N ≥ 0] [-- vitest filters…]');
  process.exit(2);
}

const BURN = 'for (;;) { Math.sqrt(Math.random()); }';

function startBurners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', BURN], { stdio: 'ignore' }));
}

function runSuite(filters: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const vitest = spawn('npx', ['vitest', 'run', ...filters], { stdio: 'inherit' });
    vitest.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const burners = startBurners(burnerCount);
const stopBurners = () => burners.forEach((burner) => burner.kill('SIGKILL'));
process.on('exit', stopBurners);
process.on('SIGINT', () => process.exit(130));

const results: Array<{ run: number; seconds: number; ok: boolean }> = [];
for (let run = 1; run <= runs; run++) {
  console.log(`\ntest:busy: run ${run} of ${runs}, beside ${burnerCount} CPU burner(s)\n`);
  const started = performance.now();
  const code = await runSuite(positionals);
  results.push({ run, seconds: (performance.now() - started) / 1000, ok: code === 0 });
}
stopBurners();

console.log(`\ntest:busy: ${runs} run(s) beside ${burnerCount} CPU burner(s)`);
for (const { run, seconds, ok } of results) {
  console.log(`  run ${run}: ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(0)} s`);
}
process.exit(results.every((result) => result.ok) ? 0 : 1);
