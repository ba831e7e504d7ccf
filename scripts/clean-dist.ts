// Build step: start from an empty dist/, so that nothing removed from the source (a module, a
// migration) survives in the package. Run: `tsx scripts/clean-dist.ts` (npm run build does, first).

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
rmSync(dist, { recursive: true, force: true });
console.log(`emptied ${dist}`);
