// docs/api.md from the running server's OpenAPI document and the error strings in its
// sources, and the document itself as docs/openapi.json (for client generators and
// `npm run lint:openapi`). `npm run docs` writes both (docs/diagrams/generate.ts);
// api-doc.unit.test.ts fails until the committed files match again.

import { fileURLToPath } from 'node:url';
import { errorAnswers } from '../../server/routes/error-answers.js';
import { renderMarkdown } from './markdown.js';
import { loadOpenApiDocument } from './openapi-document.js';

export const API_DOC_PATH = fileURLToPath(new URL('../api.md', import.meta.url));
export const OPENAPI_PATH = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The document as docs/openapi.json holds it. */
export function renderOpenApiJson(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export async function renderApiDoc(): Promise<{ page: string; openapi: string }> {
  const document = await loadOpenApiDocument();
  return { page: renderMarkdown({ document, errors: errorAnswers() }), openapi: renderOpenApiJson(document) };
}
