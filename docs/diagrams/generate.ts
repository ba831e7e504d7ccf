// `npm run docs`: draws the login machine and its scenarios into docs/diagrams/ (DOT and
// SVG) and docs/flows.md (Mermaid, events in order), and docs/api.md from the server's
// OpenAPI document (and the document as docs/openapi.json). Run it after changing the machine or a route; diagrams.unit.test.ts and
// docs/api/api-doc.unit.test.ts fail until the committed files match again.

import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { API_DOC_PATH, OPENAPI_PATH, renderApiDoc } from '../api/generate.js';
import { BLOCKS, replaceBlock } from './flows-doc.js';
import { buildOutputs, DIAGRAMS_DIR, FLOWS_PATH, renderSvgs } from './outputs.js';

const outputs = buildOutputs();
const svgs = await renderSvgs(outputs.dots);
let flows = readFileSync(FLOWS_PATH, 'utf8');
for (const name of BLOCKS) flows = replaceBlock(flows, name, outputs.blocks[name]);

const wanted = new Set<string>();
for (const [name, dot] of outputs.dots) {
  writeFileSync(join(DIAGRAMS_DIR, `${name}.dot`), dot);
  writeFileSync(join(DIAGRAMS_DIR, `${name}.svg`), svgs.get(name)!);
  wanted.add(`${name}.dot`).add(`${name}.svg`);
}
// A scenario that was renamed or removed leaves no stale picture behind.
for (const file of readdirSync(DIAGRAMS_DIR)) {
  if (/\.(dot|svg)$/.test(file) && !wanted.has(file)) rmSync(join(DIAGRAMS_DIR, file));
}

writeFileSync(FLOWS_PATH, flows);

console.log(`wrote ${outputs.dots.size} diagrams to ${relative(process.cwd(), DIAGRAMS_DIR)} and ${BLOCKS.length} blocks of ${relative(process.cwd(), FLOWS_PATH)}`);

const api = await renderApiDoc();
writeFileSync(API_DOC_PATH, api.page);
writeFileSync(OPENAPI_PATH, api.openapi);
console.log(`wrote ${relative(process.cwd(), API_DOC_PATH)} and ${relative(process.cwd(), OPENAPI_PATH)}`);
