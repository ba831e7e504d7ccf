// The committed outcomes of the documented scenarios, and how to renew them on purpose.

import { readFileSync, writeFileSync } from 'node:fs';
import type { Outcome } from './outcome.js';

export const GOLDEN_FILE = new URL('./outcomes.json', import.meta.url);

/** Set to write the outcomes the machine produces now into the golden file (then review its diff). */
export const UPDATE_VARIABLE = 'UPDATE_GOLDEN';
export const UPDATE_COMMAND = `${UPDATE_VARIABLE}=1 npx vitest run model-tests/golden-outcomes.unit.test.ts`;

export function readGolden(): Record<string, Outcome> {
  return JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, Outcome>;
}

export function writeGolden(outcomes: Record<string, Outcome>): void {
  writeFileSync(GOLDEN_FILE, `${JSON.stringify(outcomes, null, 2)}\n`);
}

export const updating = () => process.env[UPDATE_VARIABLE] === '1';
