// Each framework binding is its own small entry point: built as an app's bundler builds it,
// it stays within its budget and leaves the framework (a peer dependency) to the app.

import { describe, expect, it } from 'vitest';
import { BINDING_GZIP_BUDGET_BYTES, BINDINGS, buildBinding } from '../build.js';

describe.each(Object.keys(BINDINGS) as Array<keyof typeof BINDINGS>)('%s', (entry) => {
  it(`stays under ${BINDING_GZIP_BUDGET_BYTES / 1024} KB gzipped and bundles no package`, async () => {
    const report = await buildBinding(entry);
    expect(report.gzipBytes).toBeLessThan(BINDING_GZIP_BUDGET_BYTES);
    expect(report.inputs.filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(report.inputs.every((input) => input.startsWith('client/'))).toBe(true);
  });
});
