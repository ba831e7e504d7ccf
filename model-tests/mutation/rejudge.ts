// Judges given mutants again, one at a time, against a wider set of tests than the pass that let
// them through: each mutant is written into a sandbox copy of the repository, vitest runs there
// (stopping at the first failing test), and the file is put back. Stryker would re-instrument
// the mutants' spans instead, and run every other mutant sharing a span as well; here only the
// mutants asked about run, two sandboxes at a time on a two-core machine.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { mutantKey, type Mutant } from './equivalents.js';

export interface TestSet {
  /** The vitest config, relative to the repository. */
  config: string;
  /** Only the test files that import the mutated file, directly or not (`vitest related`). */
  related: boolean;
  /** Environment the config reads (MODEL_TESTS). */
  env?: Record<string, string>;
  /** A run longer than this counts the mutant as killed by a timeout, as Stryker does. */
  timeoutMs: number;
}

const SANDBOXES = '.stryker-tmp/rejudge';

/** A copy of the tracked files, sharing node_modules. */
function sandbox(root: string, index: number): string {
  const dir = join(root, SANDBOXES, String(index));
  rmSync(dir, { recursive: true, force: true });
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0').filter((file) => file !== '' && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(root, file), join(dir, file));
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The source with the mutant's replacement (report positions: lines and columns from 1). */
function mutated(source: string, mutant: Mutant): string {
  const lines = source.split('\n');
  const offset = (line: number, column: number) =>
    lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
  const { start, end } = mutant.location;
  return source.slice(0, offset(start.line, start.column)) + (mutant.replacement ?? '') + source.slice(offset(end.line, end.column));
}

function vitest(dir: string, file: string, tests: TestSet): Promise<'passed' | 'failed' | 'timeout'> {
  const args = tests.related
    ? ['related', file, '--run', '--config', tests.config, '--bail', '1', '--reporter', 'dot']
    : ['run', '--config', tests.config, '--bail', '1', '--reporter', 'dot'];
  return new Promise((resolve) => {
    const child = spawn(join(dir, 'node_modules', '.bin', 'vitest'), args, {
      cwd: dir, env: { ...process.env, ...tests.env }, stdio: 'ignore', detached: true,
    });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      resolve('timeout');
    }, tests.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? 'passed' : 'failed');
    });
  });
}

/** The keys (mutantKey) of the mutants some test of `tests` fails on. */
export async function killedBy(root: string, mutants: readonly Mutant[], tests: TestSet, workers = 2): Promise<Set<string>> {
  const killed = new Set<string>();
  const queue = [...mutants];
  let done = 0;
  const worker = async (index: number) => {
    const dir = sandbox(root, index);
    for (let mutant = queue.shift(); mutant; mutant = queue.shift()) {
      const file = relative(root, mutant.fileName.startsWith('/') ? mutant.fileName : join(root, mutant.fileName));
      const original = readFileSync(join(dir, file), 'utf8');
      writeFileSync(join(dir, file), mutated(original, mutant));
      const outcome = await vitest(dir, file, tests);
      writeFileSync(join(dir, file), original);
      if (outcome !== 'passed') killed.add(mutantKey(mutant));
      done += 1;
      console.log(`  ${done}/${mutants.length} ${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName} ${outcome === 'passed' ? 'survived' : outcome === 'failed' ? 'killed' : 'timed out (killed)'}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await Promise.all(Array.from({ length: Math.min(workers, mutants.length) }, (_, index) => worker(index)));
  return killed;
}
