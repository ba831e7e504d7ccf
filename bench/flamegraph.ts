// A flame graph of a V8 CPU profile (node --cpu-prof) as a self-contained SVG: this machine has
// no internet, so nothing can be fetched to draw one. No scripts in the SVG; every box has a
// <title>, which any browser shows as a tooltip.
//
//   npx tsx bench/flamegraph.ts /tmp/prof/CPU.….cpuprofile [out.svg, default: the profile's path with .svg]

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { frameName, selfTimes, type CpuProfile, type ProfileNode } from './profile-top.js';

export interface FlameGraphOptions {
  /** Keep the `(idle)` frame (left out by default: it is the time the process waited). */
  includeIdle?: boolean;
  /** Width of the drawing in pixels. */
  width?: number;
  /** Boxes narrower than this share of the width are not drawn (nor their children). */
  minWidthFraction?: number;
  /** Heading above the graph. */
  title?: string;
  /** The repository: scripts under it (outside node_modules) are "our code". */
  repoRoot?: string;
}

/** Whose code a frame is, which decides its colour. */
export type FrameKind = 'ours' | 'package' | 'node' | 'native' | 'v8' | 'other';

/** One box: a call path merged by frame name from the root. Times in microseconds. */
export interface FlameNode {
  frame: string;
  kind: FrameKind;
  /** The npm package, for kind 'package'. */
  pkg?: string;
  self: number;
  total: number;
  children: FlameNode[];
}

const DEFAULT_REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const ROW = 17;
const FONT = 11;
const CHAR = 6.6; // px per character of an 11px monospace font, to truncate labels
const PAD = 10;
const HEAD = 48;

/** The merged call tree: same frame names along the same path from the root are one node. */
export function flameTree(profile: CpuProfile, options: FlameGraphOptions = {}): FlameNode {
  const repoRoot = (options.repoRoot ?? DEFAULT_REPO_ROOT).replace(/\/$/, '');
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hasParent = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const profileRoot = profile.nodes.find((node) => !hasParent.has(node.id));
  if (!profileRoot) throw new Error('flame graph: the profile has no root node');
  const self = selfTimes(profile);

  const merge = (node: ProfileNode, into: FlameNode): void => {
    into.self += self.get(node.id) ?? 0;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (!child || (!options.includeIdle && isIdle(child))) continue;
      const name = frameName(child);
      let box = into.children.find((c) => c.frame === name);
      if (!box) {
        box = { frame: name, ...kindOf(child, repoRoot), self: 0, total: 0, children: [] };
        into.children.push(box);
      }
      merge(child, box);
    }
  };
  const root: FlameNode = { frame: frameName(profileRoot), ...kindOf(profileRoot, repoRoot), self: 0, total: 0, children: [] };
  merge(profileRoot, root);
  sumAndSort(root);
  return root;
}

function isIdle(node: ProfileNode): boolean {
  return node.callFrame.functionName === '(idle)' && !node.callFrame.url;
}

function kindOf(node: ProfileNode, repoRoot: string): { kind: FrameKind; pkg?: string } {
  const { url, functionName } = node.callFrame;
  if (!url) return { kind: /^\(.*\)$/.test(functionName) ? 'v8' : 'native' };
  if (url.startsWith('node:')) return { kind: 'node' };
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return { kind: 'package', pkg };
  if (path.startsWith(`${repoRoot}/`)) return { kind: 'ours' };
  return { kind: 'other' };
}

function sumAndSort(node: FlameNode): number {
  // Code-unit order, not locale order: the same profile draws the same picture everywhere.
  node.children.sort((a, b) => (a.frame < b.frame ? -1 : a.frame > b.frame ? 1 : 0));
  node.total = node.self + node.children.reduce((sum, child) => sum + sumAndSort(child), 0);
  return node.total;
}

interface Box {
  node: FlameNode;
  depth: number;
  x: number;
  width: number;
}

/** The boxes wide enough to draw, and how many tree nodes were too narrow. */
function layout(root: FlameNode, width: number, minWidthFraction: number): { boxes: Box[]; dropped: number } {
  const boxes: Box[] = [];
  let dropped = 0;
  const scale = root.total > 0 ? width / root.total : 0;
  const place = (node: FlameNode, depth: number, x: number): void => {
    if (root.total <= 0 || node.total / root.total < minWidthFraction) {
      dropped += countNodes(node);
      return;
    }
    boxes.push({ node, depth, x, width: node.total * scale });
    let at = x;
    for (const child of node.children) {
      place(child, depth + 1, at);
      at += child.total * scale;
    }
  };
  place(root, 0, 0);
  return { boxes, dropped };
}

function countNodes(node: FlameNode): number {
  return 1 + node.children.reduce((sum, child) => sum + countNodes(child), 0);
}

/** Render a CPU profile as a flame graph: root at the bottom, width proportional to time. */
export function flameGraphSvg(profile: CpuProfile, options: FlameGraphOptions = {}): string {
  const width = options.width ?? 1200;
  const minWidthFraction = options.minWidthFraction ?? 0.001;
  const root = flameTree(profile, options);
  const idle = options.includeIdle ? 0 : idleTime(profile);
  const { boxes, dropped } = layout(root, width, minWidthFraction);
  const depth = Math.max(0, ...boxes.map((b) => b.depth));
  const graphTop = HEAD;
  const graphBottom = graphTop + (depth + 1) * ROW;
  const legend = legendEntries(root);
  const palette = packagePalette(legend);
  const legendRows = legendLayout(legend, width);
  const height = graphBottom + PAD + legendRows.rows * ROW + PAD;
  const share = options.includeIdle ? 'of all time' : 'of busy time';

  const caption = [
    `${ms(root.total)} ms ${options.includeIdle ? 'in all (idle included)' : 'busy'}`,
    options.includeIdle ? '' : `${ms(idle)} ms idle left out`,
    `${dropped} frame${dropped === 1 ? '' : 's'} narrower than ${pct(minWidthFraction)} not drawn`,
    'hover a box for its time',
  ].filter(Boolean).join(' · ');

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 2 * PAD}" height="${height}" viewBox="0 0 ${width + 2 * PAD} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${FONT}">`,
    '<style>.f rect{stroke:#fff;stroke-width:0.5}.f:hover rect{stroke:#000;stroke-width:1}.f text{pointer-events:none;fill:#000}</style>',
    `<rect x="0" y="0" width="${width + 2 * PAD}" height="${height}" fill="#fdfdf8"/>`,
    `<text x="${PAD}" y="18" font-size="14" font-weight="bold">${escapeXml(options.title ?? 'CPU flame graph')}</text>`,
    `<text class="caption" x="${PAD}" y="36" fill="#444">${escapeXml(caption)}</text>`,
    `<g transform="translate(${PAD},0)">`,
  ];
  for (const box of boxes) {
    const y = graphTop + (depth - box.depth) * ROW;
    const { node } = box;
    const tip = `${node.frame}\n${ms(node.total)} ms, ${pct(node.total / (root.total || 1))} ${share} (self ${ms(node.self)} ms) · ${kindLabel(node)}`;
    out.push(
      `<g class="f" data-kind="${node.kind}"><title>${escapeXml(tip)}</title>` +
        `<rect x="${num(box.x)}" y="${y}" width="${num(box.width)}" height="${ROW - 1}" fill="${colour(node, palette)}"/>` +
        label(node.frame, box.x, y, box.width) +
        '</g>',
    );
  }
  out.push('</g>');
  out.push(...legendSvg(legendRows, graphBottom + PAD, palette));
  out.push('</svg>', '');
  return out.join('\n');
}

function idleTime(profile: CpuProfile): number {
  const self = selfTimes(profile);
  return profile.nodes.filter(isIdle).reduce((sum, node) => sum + (self.get(node.id) ?? 0), 0);
}

function label(frame: string, x: number, y: number, width: number): string {
  const fits = Math.floor((width - 6) / CHAR);
  if (fits < 3) return '';
  const text = frame.length <= fits ? frame : `${frame.slice(0, fits - 1)}…`;
  return `<text x="${num(x + 3)}" y="${y + ROW - 5}">${escapeXml(text)}</text>`;
}

interface Colour {
  hue: number;
  sat: number;
  light: number;
}

// Well-separated warm colours for the busiest packages, away from the hues of the other kinds
// (green, teal, blue, grey-violet); a hue hashed from the name would make pg and pg-pool twins.
const PACKAGE_PALETTE: readonly Colour[] = [
  { hue: 25, sat: 85, light: 60 },
  { hue: 50, sat: 85, light: 55 },
  { hue: 0, sat: 70, light: 62 },
  { hue: 330, sat: 65, light: 66 },
  { hue: 295, sat: 45, light: 62 },
  { hue: 75, sat: 60, light: 48 },
  { hue: 15, sat: 55, light: 44 },
  { hue: 345, sat: 85, light: 78 },
  { hue: 60, sat: 45, light: 42 },
  { hue: 38, sat: 90, light: 74 },
];

/** The legend's packages (busiest first) take the palette in order. */
function packagePalette(legend: LegendEntry[]): Map<string, Colour> {
  const pkgs = legend.flatMap((entry) => (entry.kind === 'package' && entry.pkg ? [entry.pkg] : []));
  return new Map(pkgs.map((pkg, i) => [pkg, PACKAGE_PALETTE[i % PACKAGE_PALETTE.length]!]));
}

/** Colour by kind (and package); a little lightness by frame name so neighbours stand apart. */
function colour(node: FlameNode, palette: Map<string, Colour>): string {
  const { hue, sat, light } = kindColour(node.kind, node.pkg, palette);
  return hsl({ hue, sat, light: light - 4 + (hash(node.frame) % 9) });
}

function kindColour(kind: FrameKind, pkg: string | undefined, palette: Map<string, Colour>): Colour {
  switch (kind) {
    case 'ours': return { hue: 125, sat: 55, light: 62 };
    case 'node': return { hue: 212, sat: 60, light: 66 };
    case 'native': return { hue: 180, sat: 40, light: 66 };
    case 'v8': return { hue: 275, sat: 25, light: 72 };
    case 'other': return { hue: 0, sat: 0, light: 72 };
    // Packages outside the legend: a muted warm hue from the name.
    case 'package': return palette.get(pkg ?? '') ?? { hue: (345 + (hash(pkg ?? '') % 80)) % 360, sat: 35, light: 72 };
  }
}

const hsl = ({ hue, sat, light }: Colour) => `hsl(${hue}, ${sat}%, ${light}%)`;

function kindLabel(node: { kind: FrameKind; pkg?: string }): string {
  switch (node.kind) {
    case 'ours': return 'our code';
    case 'package': return `package ${node.pkg ?? ''}`;
    case 'node': return 'node internals';
    case 'native': return 'native (V8 builtins, node bindings)';
    case 'v8': return 'V8 pseudo-frame';
    case 'other': return 'other scripts';
  }
}

interface LegendEntry {
  kind: FrameKind;
  pkg?: string;
  text: string;
}

const MAX_PACKAGES = 10;

/** Kinds present, then the busiest packages (by self time, so nesting does not double count). */
function legendEntries(root: FlameNode): LegendEntry[] {
  const kinds = new Set<FrameKind>();
  const packages = new Map<string, number>();
  const walk = (node: FlameNode): void => {
    kinds.add(node.kind);
    if (node.kind === 'package' && node.pkg) packages.set(node.pkg, (packages.get(node.pkg) ?? 0) + node.self);
    node.children.forEach(walk);
  };
  walk(root);
  const entries: LegendEntry[] = (['ours', 'node', 'native', 'v8', 'other'] as const)
    .filter((kind) => kinds.has(kind))
    .map((kind) => ({ kind, text: kindLabel({ kind }) }));
  const busiest = [...packages.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [pkg] of busiest.slice(0, MAX_PACKAGES)) entries.push({ kind: 'package', pkg, text: pkg });
  if (busiest.length > MAX_PACKAGES) entries.push({ kind: 'other', text: `(+${busiest.length - MAX_PACKAGES} more packages, muted)` });
  return entries;
}

function legendLayout(entries: LegendEntry[], width: number): { rows: number; placed: { entry: LegendEntry; x: number; row: number }[] } {
  const placed: { entry: LegendEntry; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const entry of entries) {
    const w = 16 + entry.text.length * CHAR + 14;
    if (x > 0 && x + w > width) {
      x = 0;
      row += 1;
    }
    placed.push({ entry, x, row });
    x += w;
  }
  return { rows: entries.length ? row + 1 : 0, placed };
}

function legendSvg(legend: ReturnType<typeof legendLayout>, top: number, palette: Map<string, Colour>): string[] {
  const out = [`<g class="legend" transform="translate(${PAD},${top})">`];
  for (const { entry, x, row } of legend.placed) {
    const y = row * ROW;
    const fill = hsl(kindColour(entry.kind, entry.pkg, palette));
    const swatch = entry.text.startsWith('(+') ? '' : `<rect x="${num(x)}" y="${y + 2}" width="12" height="12" fill="${fill}"/>`;
    out.push(`${swatch}<text x="${num(x + 16)}" y="${y + 12}">${escapeXml(entry.text)}</text>`);
  }
  out.push('</g>');
  return out;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Control characters other than tab and newline are not allowed in XML 1.0 at all.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const ms = (micros: number) => (micros / 1000).toFixed(micros >= 100_000 ? 0 : 1);
const pct = (share: number) => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
const num = (x: number) => String(Math.round(x * 100) / 100);

function defaultOutput(file: string): string {
  return file.endsWith('.cpuprofile') ? file.replace(/\.cpuprofile$/, '.svg') : `${file}.svg`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/flamegraph.ts FILE.cpuprofile [OUT.svg]');
  const out = process.argv[3] ?? defaultOutput(file);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  writeFileSync(out, flameGraphSvg(profile, { title: `CPU flame graph: ${file.replace(/^.*\//, '')}` }));
  console.log(`wrote ${out}`);
}
