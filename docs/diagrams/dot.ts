// Graphviz DOT for the whole chart, optionally with a scenario's paths lit. Composite states
// are clusters; like the Mermaid version, what a composite does in any of its substates hangs
// off a dashed "any … state" node, and transitions that leave the composite start there.

import type { Chart, ChartEdge, ChartState } from './chart.js';
import { edgeLabel, hasAnyNode, reactionLines } from './chart.js';
import type { VariantRun } from './run-scenario.js';

/** What a scenario lights up: the states it passes, where it ends, the transitions it takes. */
export interface Highlight {
  states: ReadonlySet<string>;
  ends: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

const INK = '#334155';
const FAINT = '#94a3b8';
const LIT = '#d97706';
const LIT_INK = '#92400e';
const LIT_FILL = '#fef3c7';
const END_FILL = '#fde68a';

export function highlightOf(chart: Chart, runs: readonly VariantRun[]): Highlight {
  const states = new Set<string>();
  const ends = new Set<string>();
  const edges = new Set<string>();
  const visit = (path: string) => {
    for (let id: string | null = `${chart.id}.${path}`; id !== null && id !== chart.id; id = chart.byId.get(id)?.parent ?? null) {
      states.add(id);
    }
  };
  for (const run of runs) {
    visit(run.start);
    ends.add(`${chart.id}.${run.end}`);
    for (const step of run.steps) {
      for (const micro of step.microsteps) {
        visit(micro.from);
        visit(micro.to);
        if (micro.edge) edges.add(micro.edge.key);
      }
    }
  }
  return { states, ends, edges };
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const isCompound = (state: ChartState) => state.children.length > 0;
const clusterName = (state: ChartState) => quote(`cluster_${state.id}`);
const startNode = (state: ChartState) => quote(`${state.id}#start`);
const anyNode = (state: ChartState) => quote(`${state.id}#any`);

/** A state's box: its name, then what it does while active; taken internal reactions are lit. */
function stateLabel(title: string, state: ChartState, light: Highlight | null): string {
  const internalTaken = new Set(
    state.internal.filter((edge) => light?.edges.has(edge.key)).map((edge) => edge.key),
  );
  const lines = reactionLines(state);
  const firstInternal = lines.length - state.internal.length;
  const rows = lines.map((line, i) => {
    const edge = i >= firstInternal ? state.internal[i - firstInternal] : undefined;
    const lit = edge !== undefined && internalTaken.has(edge.key);
    const text = lit ? `<b>${html(line)}</b>` : html(line);
    return `<tr><td align="left"><font point-size="9" color="${lit ? LIT_INK : '#475569'}">${text}</font></td></tr>`;
  });
  return `<<table border="0" cellborder="0" cellspacing="0" cellpadding="1"><tr><td><b>${html(title)}</b></td></tr>${rows.join('')}</table>>`;
}

function declare(chart: Chart, state: ChartState, light: Highlight | null, indent: string, out: string[]): void {
  const lit = light?.states.has(state.id) ?? false;
  const ends = light?.ends.has(state.id) ?? false;
  if (!isCompound(state)) {
    const style = lit
      ? `, color="${LIT}", penwidth=${ends ? 3 : 2}, fillcolor="${ends ? END_FILL : LIT_FILL}"`
      : '';
    out.push(`${indent}${quote(state.id)} [label=${stateLabel(state.key, state, light)}${style}];`);
    return;
  }
  out.push(`${indent}subgraph ${clusterName(state)} {`);
  out.push(`${indent}  label=<<b>${html(state.key)}</b>>; color="${lit ? LIT : FAINT}"; penwidth=${lit ? 2 : 1};`);
  out.push(`${indent}  ${startNode(state)} [shape=point, width=0.12, label=""];`);
  for (const child of state.children) declare(chart, chart.byId.get(child)!, light, `${indent}  `, out);
  if (hasAnyNode(chart, state)) {
    out.push(`${indent}  ${anyNode(state)} [label=${stateLabel(`any ${state.key} state`, state, light)}, style="rounded,dashed,filled", fillcolor="#f8fafc", color="${FAINT}"];`);
  }
  if (state.initial) out.push(`${indent}  ${startNode(state)} -> ${quote(state.initial)};`);
  out.push(`${indent}}`);
}

function edgeLine(chart: Chart, edge: ChartEdge, target: string, light: Highlight | null): string {
  const source = chart.byId.get(edge.source)!;
  const to = chart.byId.get(target)!;
  const from = isCompound(source) ? anyNode(source) : quote(source.id);
  const attrs: string[] = [];
  if (isCompound(to)) attrs.push(`lhead=${clusterName(to)}`);
  const actions = edge.actions.length > 0
    ? `<br/><font point-size="8">/ ${html(edge.actions.join(', '))}</font>`
    : '';
  attrs.push(`label=<${html(edgeLabel(edge))}${actions}>`);
  if (light?.edges.has(edge.key)) attrs.push(`color="${LIT}", fontcolor="${LIT_INK}", penwidth=2.5`);
  else if (light) attrs.push(`color="${FAINT}", fontcolor="${FAINT}"`);
  if (edge.trigger.kind === 'always') attrs.push('style=dashed');
  // A transition back to a state written earlier (a retry, a return) does not rank it lower:
  // the layout then reads top to bottom in the order the chart is written.
  if (chart.states.indexOf(to) <= chart.states.indexOf(source)) attrs.push('constraint=false');
  return `  ${from} -> ${isCompound(to) ? startNode(to) : quote(to.id)} [${attrs.join(', ')}];`;
}

/** The whole chart as DOT; with `light`, a scenario's paths are drawn over it. */
export function machineDot(chart: Chart, light: Highlight | null = null, title = chart.id): string {
  const out = [
    `digraph ${quote(title)} {`,
    '  graph [rankdir=TB, compound=true, fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.5, labeljust=l, style=rounded];',
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="${INK}", fontname="Helvetica", fontsize=11, margin="0.12,0.05"];`,
    `  edge [fontname="Helvetica", fontsize=9, color="${INK}", fontcolor="${INK}", arrowsize=0.7];`,
  ];
  const { root } = chart;
  out.push(`  ${startNode(root)} [shape=point, width=0.14, label=""];`);
  if (hasAnyNode(chart, root)) {
    out.push(`  ${anyNode(root)} [label=${stateLabel('any state', root, light)}, style="rounded,dashed,filled", fillcolor="#f8fafc", color="${FAINT}"];`);
  }
  for (const child of root.children) declare(chart, chart.byId.get(child)!, light, '  ', out);
  if (root.initial) out.push(`  ${startNode(root)} -> ${quote(root.initial)};`);
  for (const state of chart.states) {
    for (const edge of state.edges) for (const target of edge.targets) out.push(edgeLine(chart, edge, target, light));
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
