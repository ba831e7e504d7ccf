// Mutants shown equivalent in writing: each entry names the file, the source line, the mutator
// and the replacement, and says why no test can tell the mutant from the original. Matching on
// the line's text (not its number) keeps an entry valid while code around it moves.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface Mutant {
  fileName: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export interface Equivalent {
  file: string;
  /** The source line the mutant is on, trimmed. */
  line: string;
  mutator: string;
  replacement: string;
  /** Where the mutant starts and ends on its line, when the line holds other mutants of the same kind that are not equivalent. */
  column?: number;
  endColumn?: number;
  why: string;
}

const fileOf = (mutant: Mutant) => relative(process.cwd(), mutant.fileName);

export const mutantKey = (mutant: Mutant) =>
  `${fileOf(mutant)}|${mutant.mutatorName}|${mutant.location.start.line}:${mutant.location.start.column}|${mutant.replacement ?? ''}`;

const sources = new Map<string, string[]>();
function sourceLine(file: string, line: number): string {
  if (!sources.has(file)) sources.set(file, readFileSync(file, 'utf8').split('\n'));
  return sources.get(file)![line - 1]?.trim() ?? '';
}

export function equivalenceOf(mutant: Mutant, equivalents: readonly Equivalent[]): Equivalent | null {
  const file = fileOf(mutant);
  const line = sourceLine(file, mutant.location.start.line);
  return equivalents.find((entry) => entry.file === file && entry.mutator === mutant.mutatorName
    && entry.replacement === (mutant.replacement ?? '') && entry.line === line
    && (entry.column === undefined || entry.column === mutant.location.start.column)
    && (entry.endColumn === undefined || entry.endColumn === mutant.location.end.column)) ?? null;
}
