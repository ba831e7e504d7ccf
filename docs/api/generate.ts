// docs/api.md from the running server's OpenAPI document and the error strings in its
// sources. `npm run docs` writes it (docs/diagrams/generate.ts); api-doc.unit.test.ts fails
// until the committed page matches again.

import { fileURLToPath } from 'node:url';
import { errorAnswers } from '../../server/routes/error-answers.js';
import { renderMarkdown } from './markdown.js';
import { loadOpenApiDocument } from './openapi-document.js';

export const API_DOC_PATH = fileURLToPath(new URL('../api.md', import.meta.url));

export async function renderApiDoc(): Promise<string> {
  return renderMarkdown({ document: await loadOpenApiDocument(), errors: errorAnswers() });
}
