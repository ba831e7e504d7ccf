// Everything `npm run docs` writes, computed in memory: the test compares it with what is
// committed, the generator writes it. Pure and deterministic: config order, no clock.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { AnyStateMachine } from 'xstate';
import { loginMachine } from '../../machines/index.js';
import { chartOf } from './chart.js';
import { highlightOf, machineDot } from './dot.js';
import type { BlockName, ScenarioRuns } from './flows-doc.js';
import { machineBlock, scenariosBlock } from './flows-doc.js';
import { runVariant } from './run-scenario.js';
import type { Scenario } from './run-scenario.js';
import { scenarios as designScenarios } from './scenarios.js';

export const DIAGRAMS_DIR = dirname(fileURLToPath(import.meta.url));
export const FLOWS_PATH = join(DIAGRAMS_DIR, '..', 'flows.md');

export interface DiagramOutputs {
  /** DOT text by diagram name (`machine`, then one per scenario id). */
  dots: Map<string, string>;
  /** flows.md blocks by name. */
  blocks: Record<BlockName, string>;
}

export function buildOutputs(machine: AnyStateMachine = loginMachine, scenarios: readonly Scenario[] = designScenarios): DiagramOutputs {
  const chart = chartOf(machine);
  const all: ScenarioRuns[] = scenarios.map((scenario) => ({
    scenario,
    runs: scenario.variants.map((variant) => runVariant(chart, scenario.id, variant)),
  }));
  const dots = new Map<string, string>([['machine', machineDot(chart)]]);
  for (const { scenario, runs } of all) dots.set(scenario.id, machineDot(chart, highlightOf(chart, runs), scenario.id));
  return { dots, blocks: { machine: machineBlock(chart), scenarios: scenariosBlock(chart, all) } };
}

/** SVG by diagram name, laid out offline by Graphviz compiled to WebAssembly. */
export async function renderSvgs(dots: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const graphviz = await Graphviz.load();
  const svgs = new Map<string, string>();
  for (const [name, dot] of dots) svgs.set(name, graphviz.dot(dot, 'svg'));
  return svgs;
}
