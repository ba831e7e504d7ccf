// Mermaid `stateDiagram-v2` text for the whole chart and for one scenario's path.
// Mermaid refuses a description on a composite state, and draws edges that start at a
// composite poorly; so what a composite does in any of its substates (its entry actions,
// internal reactions, and the transitions that leave it) hangs off an "any … state" node
// inside it, and edges start there.

import type { Chart, ChartState } from './chart.js';
import { edgeLabel, hasAnyNode, reactionLines } from './chart.js';
import type { VariantRun } from './run-scenario.js';

const ANYWHERE = 'anywhere';

function nodeId(chart: Chart, state: ChartState): string {
  return state.id === chart.id ? ANYWHERE : state.path.replace(/\./g, '_');
}

function anyNodeId(chart: Chart, state: ChartState): string {
  return state.id === chart.id ? ANYWHERE : `${nodeId(chart, state)}__any`;
}

/** Mermaid reads up to the end of the line; keep labels on one line and free of its separators. */
function text(value: string): string {
  return value.replace(/[\n\r]+/g, ' ').replace(/[;#]/g, ' ').trim();
}

function declareState(chart: Chart, state: ChartState, indent: string, out: string[]): void {
  const id = nodeId(chart, state);
  if (state.children.length === 0) {
    out.push(`${indent}state "${state.key}" as ${id}`);
    for (const line of reactionLines(state)) out.push(`${indent}${id} : ${text(line)}`);
    return;
  }
  out.push(`${indent}state "${state.key}" as ${id} {`);
  if (state.initial) out.push(`${indent}  [*] --> ${nodeId(chart, chart.byId.get(state.initial)!)}`);
  for (const child of state.children) declareState(chart, chart.byId.get(child)!, `${indent}  `, out);
  if (hasAnyNode(chart, state)) {
    const anyId = anyNodeId(chart, state);
    out.push(`${indent}  state "any ${state.key} state" as ${anyId}`);
    for (const line of reactionLines(state)) out.push(`${indent}  ${anyId} : ${text(line)}`);
  }
  out.push(`${indent}}`);
}

const ANY_STATE_STYLE = '  classDef anyState fill:#f1f5f9,stroke:#94a3b8,stroke-dasharray:4 3,color:#334155';
const PATH_STYLE = [
  '  classDef onPath fill:#fef3c7,stroke:#d97706,stroke-width:2px,color:#78350f',
  '  classDef ending fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#78350f',
];

/** The whole machine: every state, every transition with its trigger and guard. */
export function machineMermaid(chart: Chart): string {
  const out = ['stateDiagram-v2'];
  const { root } = chart;
  const anyNodes: string[] = [];
  if (hasAnyNode(chart, root)) {
    out.push(`  state "any state" as ${ANYWHERE}`);
    for (const line of reactionLines(root)) out.push(`  ${ANYWHERE} : ${text(line)}`);
    anyNodes.push(ANYWHERE);
  }
  if (root.initial) out.push(`  [*] --> ${nodeId(chart, chart.byId.get(root.initial)!)}`);
  for (const child of root.children) declareState(chart, chart.byId.get(child)!, '  ', out);
  for (const state of chart.states) {
    if (state !== root && hasAnyNode(chart, state)) anyNodes.push(anyNodeId(chart, state));
    const from = state.children.length > 0 ? anyNodeId(chart, state) : nodeId(chart, state);
    for (const edge of state.edges) {
      for (const target of edge.targets) {
        out.push(`  ${from} --> ${nodeId(chart, chart.byId.get(target)!)} : ${text(edgeLabel(edge))}`);
      }
    }
  }
  if (anyNodes.length > 0) out.push(ANY_STATE_STYLE, `  class ${anyNodes.join(',')} anyState`);
  return out.join('\n');
}

/** One variant's path: the states it passes, the transitions it takes, numbered by step. */
export function pathMermaid(chart: Chart, run: VariantRun): string {
  const byPath = new Map(chart.states.map((state) => [state.path, state]));
  const leaf = (path: string) => {
    const state = byPath.get(path);
    if (!state) throw new Error(`no state ${path} in the chart`);
    return state;
  };
  // Edges in first-taken order; a transition taken again gets its step number added.
  const edges = new Map<string, { from: string; to: string; label: string; steps: number[] }>();
  const visited = new Set<string>([run.start]);
  for (const step of run.steps) {
    for (const micro of step.microsteps) {
      visited.add(micro.from).add(micro.to);
      const label = micro.edge ? edgeLabel(micro.edge) : `${step.label.split(' ')[0]} (ignored)`;
      const key = `${micro.from}|${micro.to}|${label}`;
      const seen = edges.get(key) ?? { from: micro.from, to: micro.to, label, steps: [] };
      if (!seen.steps.includes(step.n)) seen.steps.push(step.n);
      edges.set(key, seen);
    }
  }
  // Declare the visited leaves inside their (visited) ancestors, in chart order.
  const shown = new Set<string>();
  for (const path of visited) {
    for (let at: ChartState | undefined = leaf(path); at && at !== chart.root; at = chart.byId.get(at.parent ?? '')) {
      shown.add(at.id);
    }
  }
  const out = ['stateDiagram-v2'];
  const declare = (state: ChartState, indent: string) => {
    const id = nodeId(chart, state);
    if (state.children.length === 0) {
      out.push(`${indent}state "${state.key}" as ${id}`);
      return;
    }
    out.push(`${indent}state "${state.key}" as ${id} {`);
    for (const child of state.children) if (shown.has(child)) declare(chart.byId.get(child)!, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const child of chart.root.children) if (shown.has(child)) declare(chart.byId.get(child)!, '  ');
  out.push(`  [*] --> ${nodeId(chart, leaf(run.start))}`);
  for (const edge of edges.values()) {
    out.push(`  ${nodeId(chart, leaf(edge.from))} --> ${nodeId(chart, leaf(edge.to))} : ${edge.steps.join(', ')}. ${text(edge.label)}`);
  }
  out.push(...PATH_STYLE);
  const onPath = [...visited].filter((path) => path !== run.end).map((path) => nodeId(chart, leaf(path)));
  if (onPath.length > 0) out.push(`  class ${onPath.join(',')} onPath`);
  out.push(`  class ${nodeId(chart, leaf(run.end))} ending`);
  return out.join('\n');
}

