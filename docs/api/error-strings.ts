// The stable `error` strings a client can meet, read from the server's sources: the OpenAPI
// schema only names a couple as examples, and a hand-kept list would drift.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../../server/', import.meta.url));

// Where an error string is written: `error: 'X'`, a default `error = 'X'`, a TokenError kind
// or an OpenDataError's first argument, a string passed last to an error class
// (`new ServiceUnavailableError(message, 'X')`), and the status table `404: ['NOT_FOUND', …]`.
const DECLARATIONS = [
  /\bnew \w+Error\([^\n]*?,\s*'([A-Z][A-Z0-9_]*)'\)/g,
  /\berror(?:\s*[:=])\s*'([A-Z][A-Z0-9_]*)'/g,
  /\bnew (?:TokenError|OpenDataError)\(\s*'([A-Z][A-Z0-9_]*)'/g,
  /^\s*\d{3}:\s*\['([A-Z][A-Z0-9_]*)'/gm,
  /\bTokenErrorKind\s*=\s*([^;]+);/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'cli' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.test.') && entry.name !== 'test-support.ts' ? [path] : [];
  });
}

/** Each stable error string with the server files that raise it, sorted by string. */
export function stableErrorStrings(serverDir: string = SERVER_DIR): Array<{ error: string; files: string[] }> {
  const found = new Map<string, Set<string>>();
  for (const path of sourceFiles(serverDir)) {
    const text = readFileSync(path, 'utf8');
    const file = relative(join(serverDir, '..'), path).split('\\').join('/');
    for (const pattern of DECLARATIONS) {
      for (const match of text.matchAll(pattern)) {
        const names = (match[1] ?? '').match(/[A-Z][A-Z0-9_]*/g) ?? [];
        for (const name of names) {
          const files = found.get(name) ?? new Set<string>();
          found.set(name, files.add(file));
        }
      }
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([error, files]) => ({ error, files: [...files].sort() }));
}
