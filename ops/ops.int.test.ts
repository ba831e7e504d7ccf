// The operators' files, checked with the real promtool (Debian's `prometheus` package): the
// alert rules load and fire on the series their unit tests give them; the Grafana dashboard's
// queries are valid PromQL; both use only metrics miniauth exports; every runbook link lands
// on a section of docs/operations.md.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../server/observability/metrics.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const RULES = here('./prometheus/alerts.yml');
const RULE_TESTS = here('./prometheus/alerts.test.yml');
const DASHBOARD = here('./grafana/miniauth.json');
const OPERATIONS = here('../docs/operations.md');

function promtool(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: unknown }).code ?? 1), output: `${stdout}${stderr}` });
    });
  });
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; refId: string }>;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: Array<{ query: { query: string } }> } };
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, ...target })));
// Grafana's variables, as Grafana would expand them.
const expanded = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*');
const ruleExprs = [...readFileSync(RULES, 'utf8').matchAll(/expr: (?:\|\n((?: {10}.*\n)+)|(.*)\n)/g)].map((m) => (m[1] ?? m[2]!).trim());

/** The metric names a PromQL expression reads: identifiers outside strings, label matchers and by/on clauses, not functions. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/label_values\(([^,]+),[^)]*\)/g, '$1');
  const withoutClauses = withoutStrings.replace(/\b(by|ignoring|on|group_left|group_right|without)\s*\([^)]*\)/g, '');
  return [...withoutClauses.matchAll(/\b([a-z_][a-z0-9_]*)\b(?=\s*(\{|\[|\)|$|\s*[<>=!+\-*/]|\s+(and|or|unless)\b))/g)]
    .map((m) => m[1]!)
    .filter((name) => !['sum', 'rate', 'increase', 'min', 'max', 'histogram_quantile', 'predict_linear', 'and', 'or', 'unless', 'label_values'].includes(name));
}

async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>(['up']);
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

describe('the alert rules', () => {
  it('load in promtool, seven of them', async () => {
    const checked = await promtool(['check', 'rules', RULES]);
    expect(checked.output).toContain('SUCCESS: 7 rules found');
    expect(checked.code).toBe(0);
  });

  it('fire on the series that should raise them and stay quiet on healthy ones (promtool test rules)', async () => {
    const tested = await promtool(['test', 'rules', RULE_TESTS]);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code).toBe(0);
    // Every alert is exercised by some test.
    const alerts = [...readFileSync(RULES, 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    const tests = readFileSync(RULE_TESTS, 'utf8');
    for (const alert of alerts) expect(tests, alert).toContain(`alertname: ${alert}`);
  });

  it('link to a section of docs/operations.md', () => {
    const slugs = new Set([...readFileSync(OPERATIONS, 'utf8').matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
      m[1]!.toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').trim().replace(/ /g, '-')));
    const links = [...readFileSync(RULES, 'utf8').matchAll(/runbook: docs\/operations\.md#([\w-]+)/g)].map((m) => m[1]!);
    expect(links.length).toBe(7);
    for (const link of links) expect(slugs, link).toContain(link);
  });
});

describe('the Grafana dashboard', () => {
  it('has panels with unique ids, each query on the imported Prometheus data source', () => {
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    expect(queries.length).toBeGreaterThan(20);
    for (const { panel } of queries) expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
  });

  it('asks only valid PromQL (each query checked by promtool as a recording rule)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miniauth-dashboard-'));
    try {
      const rules = queries.map(({ panel, refId, expr }) => `      - record: dashboard:panel_${panel.id}_${refId}\n        expr: ${JSON.stringify(expanded(expr))}`);
      const file = join(dir, 'dashboard-queries.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const checked = await promtool(['check', 'rules', file]);
      expect(checked.output).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(checked.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('and, like the alerts, reads only metrics miniauth exports', async () => {
    const exported = await exportedNames();
    const used = new Set([...queries.map(({ expr }) => expr), ...ruleExprs, ...dashboard.templating.list.map((v) => v.query.query)].flatMap(metricNames));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(exported, name).toContain(name);
  });
});
