// `npm run bench`: every figure beside a baseline measured in the same run on the same
// machine, printed as a table and written to bench/results.json.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { benchStore } from './store.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baselineName?: string;
  baseline?: number;
  /** value / baseline, when a baseline exists. */
  ratio?: number;
  target?: string;
  note?: string;
}

const DATABASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);

async function describeMachine(): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
    date: new Date().toISOString(),
  };
}

function format(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.baseline === undefined ? '' : `${f.baselineName}: ${format(f.baseline)} ${f.unit}`,
    f.ratio === undefined ? '' : f.ratio.toFixed(2),
    f.target ?? '',
  ]);
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const machine = await describeMachine();
  console.log(`machine: ${machine['cpu']}, ${machine['cores']} cores, Node ${machine['node']}, PostgreSQL ${machine['postgres']}`);
  const figures: Figure[] = [];

  const store = await benchStore({ databaseUrl: DATABASE_URL, seconds: SECONDS });
  figures.push({
    name: 'store appends',
    value: store.storeAppendsPerSec,
    unit: '/s',
    baselineName: 'raw INSERT',
    baseline: store.rawInsertsPerSec,
    ratio: store.ratio,
    target: '>= 0.80',
  });

  printTable(figures);
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ machine, figures }, null, 2)}\n`);
}

await main();
