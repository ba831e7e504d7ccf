// The bench's output: one row per figure, its baseline from the same run beside it, the ratio
// and the target; printed as a table and written as JSON together with the machine it ran on.

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baselineName?: string;
  baseline?: number;
  /** value / baseline (for paired rounds: the median of the per-round ratios). */
  ratio?: number;
  /** Human-readable, e.g. ">= 0.85" or "<= 20 KB total". */
  target?: string;
  /** Whether the target was reached; absent when the figure is only reported. */
  met?: boolean;
  /** (max − min) / median of the rounds, for value and baseline. */
  spread?: { value: number; baseline?: number };
  rounds?: number;
  note?: string;
}

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  date: string;
}

export async function describeMachine(databaseUrl: string): Promise<MachineDescription> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    const cpus = os.cpus();
    return {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: rows[0]?.server_version ?? 'unknown',
      date: new Date().toISOString(),
    };
  } finally {
    await client.end();
  }
}

export function describeMachineLine(machine: MachineDescription): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}`;
}

function format(n: number): string {
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(2);
}

const percent = (fraction: number): string => `±${Math.round((fraction * 100) / 2)}%`;

function valueCell(f: Figure): string {
  if (Number.isNaN(f.value)) return 'n/a';
  const spread = f.spread ? ` (${percent(f.spread.value)})` : '';
  return `${format(f.value)} ${f.unit}${spread}`;
}

function baselineCell(f: Figure): string {
  if (f.baseline === undefined) return '—';
  const spread = f.spread?.baseline !== undefined ? ` (${percent(f.spread.baseline)})` : '';
  return `${f.baselineName}: ${format(f.baseline)} ${f.unit}${spread}`;
}

function targetCell(f: Figure): string {
  if (!f.target) return 'report';
  if (f.met === undefined) return f.target;
  return `${f.target} ${f.met ? 'met' : 'MISSED'}`;
}

/** The figures as a plain-text table (also pasted into docs/performance.md). */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const rows = figures.map((f) => [
    f.name,
    valueCell(f),
    baselineCell(f),
    f.ratio === undefined ? '' : f.ratio.toFixed(2),
    targetCell(f),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface BenchResults {
  machine: MachineDescription;
  settings: Record<string, unknown>;
  figures: Figure[];
}

export function writeResults(file: URL | string, results: BenchResults): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
