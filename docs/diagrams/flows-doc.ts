// The generated parts of docs/flows.md: the whole machine, and one section per scenario with
// its diagrams and its events in order. They sit between markers; the prose around them is
// written by hand and left alone.

import type { Chart } from './chart.js';
import { edgeLabel } from './chart.js';
import { machineMermaid, pathMermaid } from './mermaid.js';
import type { Microstep, Scenario, VariantRun } from './run-scenario.js';

export interface ScenarioRuns {
  scenario: Scenario;
  runs: VariantRun[];
}

const begin = (name: string) => `<!-- BEGIN GENERATED ${name}: written by \`npm run docs\` from loginMachine; do not edit -->`;
const end = (name: string) => `<!-- END GENERATED ${name} -->`;

function blockPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<!-- BEGIN GENERATED ${escaped}:[^>]*-->\\n([\\s\\S]*?)\\n?<!-- END GENERATED ${escaped} -->`);
}

/** The content between a block's markers, or null when the document has no such block. */
export function readBlock(doc: string, name: string): string | null {
  return blockPattern(name).exec(doc)?.[1] ?? null;
}

export function replaceBlock(doc: string, name: string, content: string): string {
  if (!blockPattern(name).test(doc)) throw new Error(`flows.md has no "${name}" block: add ${begin(name)} … ${end(name)}`);
  return doc.replace(blockPattern(name), () => `${begin(name)}\n${content}\n${end(name)}`);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function transitionText(micro: Microstep): string {
  if (!micro.edge) return `ignored in ${code(micro.from)}`;
  const label = code(edgeLabel(micro.edge));
  if (micro.from === micro.to) return `stays in ${code(micro.to)} (${label})`;
  return `${code(micro.from)} → ${code(micro.to)} (${label})`;
}

function variantSection(chart: Chart, run: VariantRun): string {
  const { variant } = run;
  const facts: string[] = [];
  if (variant.settings) facts.push(`Settings: ${code(JSON.stringify(variant.settings))}.`);
  const given = variant.given?.length
    ? ` (reached by ${variant.given.length} earlier steps${variant.relaunch ? ', then the app is closed and its snapshot restored' : ''})`
    : '';
  facts.push(`Starts in ${code(run.start)}${given}; ends in ${code(run.end)}.`);
  const rows = run.steps.map((step) => [
    String(step.n),
    code(step.label),
    cell(step.note ?? ''),
    step.microsteps.map(transitionText).join('<br>'),
    step.effects.map(code).join(', '),
  ]);
  return [
    `#### ${variant.title}`,
    '',
    facts.join(' '),
    '',
    '```mermaid',
    pathMermaid(chart, run),
    '```',
    '',
    '| # | event | what happens | transitions | platform actions |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function heading(index: number, scenario: Scenario): string {
  return `${index + 1}. ${scenario.title}`;
}

export function scenariosBlock(chart: Chart, all: readonly ScenarioRuns[]): string {
  const contents = all.map(({ scenario }, i) => `- [${heading(i, scenario)}](#${anchor(heading(i, scenario))})`);
  const sections = all.map(({ scenario, runs }, i) => [
    `### ${heading(i, scenario)}`,
    '',
    scenario.summary,
    '',
    `![${scenario.title}: its paths lit in the whole machine](diagrams/${scenario.id}.svg)`,
    '',
    runs.map((run) => variantSection(chart, run)).join('\n\n'),
  ].join('\n'));
  return [contents.join('\n'), ...sections].join('\n\n');
}

export function machineBlock(chart: Chart): string {
  return [
    '```mermaid',
    machineMermaid(chart),
    '```',
    '',
    '![The whole login machine, rendered by Graphviz](diagrams/machine.svg)',
  ].join('\n');
}

export const BLOCKS = ['machine', 'scenarios'] as const;
export type BlockName = (typeof BLOCKS)[number];
