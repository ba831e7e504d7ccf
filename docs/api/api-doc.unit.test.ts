// docs/api.md is what the server's OpenAPI document and error catalogue say now. `npm run docs`
// writes it in a separate process, so a passing comparison also shows the page is deterministic.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorAnswers } from '../../server/routes/error-answers.js';
import { API_DOC_PATH, OPENAPI_PATH, renderOpenApiJson } from './generate.js';
import { renderMarkdown } from './markdown.js';
import { loadOpenApiDocument } from './openapi-document.js';

let document: Record<string, unknown>;
let page: string;
// PGlite's start-up dominates; on a busy two-core machine it takes seconds.
beforeAll(async () => {
  document = await loadOpenApiDocument();
  page = renderMarkdown({ document, errors: errorAnswers() });
}, 120_000);

/** The lines of one route's section, from its heading to the next. */
function section(heading: string): string {
  const start = page.indexOf(`### ${heading}\n`);
  expect(start, `no section for ${heading}`).toBeGreaterThanOrEqual(0);
  const end = page.indexOf('\n### ', start + 1);
  return page.slice(start, end === -1 ? undefined : end);
}

describe('docs/api.md', () => {
  it('is what the server produces now', () => {
    expect(readFileSync(API_DOC_PATH, 'utf8'), 'docs/api.md is stale: run `npm run docs` and commit the result').toBe(page);
    expect(readFileSync(OPENAPI_PATH, 'utf8'), 'docs/openapi.json is stale: run `npm run docs` and commit the result').toBe(renderOpenApiJson(document));
  });

  it('has a section for every route the server documents', () => {
    const paths = document['paths'] as Record<string, Record<string, unknown>>;
    const routes = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) section(route);
  });

  it('tells which routes need a token and how to send it', () => {
    expect(section('POST /wx/login')).toContain('**Auth:** none.');
    expect(section('GET /me')).toContain('**Auth:** required, as `Authorization: Bearer <token>` or a `token: <token>` header.');
  });

  it('lists request fields with whether they are required and their limits', () => {
    const login = section('POST /wx/login');
    expect(login).toContain('| `code` | string | yes | 1–128 chars, matches `^[\\x21-\\x7e]+$` | The code from wx.login |');
    expect(login).toMatch(/\| `appId` \| string \| no \|/);
    // A pipe inside a pattern must not split the table row.
    expect(section('PUT /me/profile')).toContain('matches `^(https?\\|wxfile):\\/\\/\\S+$`');
  });

  it('shows each answer with its fields, and the error body every failure uses', () => {
    const login = section('POST /wx/login');
    expect(login).toContain('| `token` | string | yes |');
    expect(login).toContain('| `user` | [MiniAuthUser](#miniauthuser) | yes |');
    expect(login).toContain('**200:** Logged in: the token and the user.');
    expect(login).toMatch(/\*\*400:\*\* \[MiniAuthError\]\(#miniautherror\) with `error` .*`WECHAT_CODE_USED`/);
    expect(section('GET /me')).toContain('**401:** [MiniAuthError](#miniautherror) with `error` `TOKEN_EXPIRED`, `TOKEN_INVALID`, `TOKEN_MISSING`, `TOKEN_REVOKED`.');
    expect(section('MiniAuthError')).toContain('| `code` | `-1` or `0` | yes |');
  });

  it('lists the stable error strings the server raises', () => {
    for (const error of ['TOKEN_EXPIRED', 'TOKEN_REVOKED', 'WECHAT_CODE_USED', 'WECHAT_BUSY', 'VALIDATION_FAILED', 'DATABASE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']) {
      expect(page).toMatch(new RegExp(`^\\| \`${error}\` \\|`, 'm'));
    }
    // Environment variable names and Node's own codes are not error strings.
    expect(page).not.toMatch(/^\| `(DATABASE_URL|JWT_SECRET|HPE_HEADER_OVERFLOW)` \|/m);
  });
});
