// The OpenAPI document as client generators read it: Redocly's recommended rules find no
// problem in it (`npm run lint:openapi`, over the committed docs/openapi.json, which
// api-doc.unit.test.ts keeps equal to what the server serves), and every operation says
// what the rules leave optional.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from './generate.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REDOCLY = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, any>;
const operations = Object.entries(document['paths'] as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));

describe('the OpenAPI document', () => {
  it('passes Redocly\'s recommended rules', async () => {
    const { stdout } = await run(process.execPath, [REDOCLY, 'lint', 'docs/openapi.json', '--format=json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`redocly lint failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number } };
    // Only the health probes' missing 4XX is ignored, in .redocly.lint-ignore.yaml.
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('gives every operation an id, a summary, a description and exact statuses', () => {
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const { name, operation } of operations) {
      expect(operation.operationId, `${name}: give it an entry in server/routes/operations.ts`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, name).toEqual(expect.any(String));
      expect(operation.description, name).toEqual(expect.any(String));
      for (const status of Object.keys(operation.responses)) expect(status, name).toMatch(/^[1-5]\d\d$/);
      for (const [status, response] of Object.entries(operation.responses as Record<string, { description: string }>)) {
        expect(response.description, `${name} ${status}`).not.toBe('Default Response');
      }
    }
    expect(new Set(operations.map(({ operation }) => operation.operationId)).size).toBe(operations.length);
  });

  it('marks the public routes public, and the rest as needing a token', () => {
    const publicRoutes = operations.filter(({ operation }) => operation.security.length === 0).map(({ name }) => name);
    // WeChat's message endpoint carries no token: its pushes are signed in the query.
    expect(publicRoutes.sort()).toEqual(['GET /healthz', 'GET /readyz', 'GET /wx/messages', 'POST /wx/login', 'POST /wx/messages']);
  });

  it('does not require a body where the server needs none', () => {
    const logoutAll = document['paths']['/auth/logout-all'].post;
    expect(logoutAll.requestBody?.required ?? false).toBe(false);
  });

  it('names a server', () => {
    expect(document['servers']).toEqual([expect.objectContaining({ url: expect.any(String) })]);
  });
});
