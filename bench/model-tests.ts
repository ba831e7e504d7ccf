// How long the model-test run takes (`npx vitest run model-tests`, as a child process), or
// nothing when there are no model tests yet.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL_TESTS = join(REPO_ROOT, 'model-tests');

export type ModelTestsResult =
  | { ran: true; seconds: number; passed: boolean; summary: string }
  | { ran: false; reason: string };

function hasTestFiles(directory: string): boolean {
  if (!existsSync(directory)) return false;
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).some((name) => /\.test\.ts$/.test(name));
}

/** The last "Tests …" line of vitest's summary, e.g. "Tests  41 passed (41)". */
function summaryOf(output: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const line = plain.split('\n').reverse().find((l) => /^\s*Tests\s/.test(l));
  return line?.trim().replace(/\s+/g, ' ') ?? 'no summary';
}

export async function benchModelTests(): Promise<ModelTestsResult> {
  if (!hasTestFiles(MODEL_TESTS)) return { ran: false, reason: 'no model tests yet (model-tests/ has no *.test.ts)' };
  const start = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('npx', ['vitest', 'run', 'model-tests'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
  });
  return { ran: true, seconds: (performance.now() - start) / 1000, passed: code === 0, summary: summaryOf(output) };
}
