// The files that docs/getting-started.md gives in full: each code block whose first line names
// its file (`// src/auth.js`, `<!-- src/pages/index/index.vue -->`), taken from one section.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GUIDE = fileURLToPath(new URL('../getting-started.md', import.meta.url));
const BLOCK = /^```[a-z]*\n([\s\S]*?)^```$/gm;
const NAMED = /^(?:\/\/ |<!-- )(src\/\S+?)(?: -->)?$/;

/** The named files of the section whose heading starts with `heading` (e.g. `## 4.`), by path. */
export function guideFiles(heading: string): Map<string, string> {
  const guide = readFileSync(GUIDE, 'utf8');
  const start = guide.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`getting-started.md has no section "${heading}"`);
  const next = guide.indexOf('\n## ', start + 1);
  const section = guide.slice(start, next < 0 ? undefined : next);
  const files = new Map<string, string>();
  for (const [, code = ''] of section.matchAll(BLOCK)) {
    const path = NAMED.exec(code.split('\n', 1)[0] ?? '')?.[1];
    if (path) files.set(path, code);
  }
  return files;
}
