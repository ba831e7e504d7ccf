// Keeps the latest table in docs/performance.md: a full `npm run bench` rewrites the part
// between the two markers and leaves the rest of the page (how to read it) alone.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeMachineLine, type MachineDescription } from './report.js';

const START = '<!-- bench:latest -->';
const END = '<!-- /bench:latest -->';

export function updatePerformanceDoc(file: string, machine: MachineDescription, table: string): boolean {
  if (!existsSync(file)) return false;
  const page = readFileSync(file, 'utf8');
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from < 0 || to < from) return false;
  const block = [
    START,
    `Measured ${machine.date.slice(0, 10)} on ${describeMachineLine(machine)}.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(file, page.slice(0, from) + block + page.slice(to));
  return true;
}
