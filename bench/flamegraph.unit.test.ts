// The flame graph drawn from a small hand-made CPU profile whose times are known, read back
// through jsdom's XML parser: widths, nesting, merging, idle, escaping, dropped boxes, colours.

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { flameGraphSvg, flameTree } from './flamegraph.js';
import type { CpuProfile, ProfileNode } from './profile-top.js';

// jsdom ships no types and this project has no DOM lib: the little of it these tests read.
interface XmlElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): XmlElement | null;
  querySelectorAll(selector: string): Iterable<XmlElement>;
}
interface XmlDocument {
  documentElement: XmlElement;
  getElementsByTagName(name: string): { length: number };
  querySelector(selector: string): XmlElement | null;
  querySelectorAll(selector: string): Iterable<XmlElement>;
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (text: string, options: { contentType: string }) => { window: { document: XmlDocument } };
};

const WEIRD = `weird<T>&"q"`;

function node(id: number, functionName: string, url: string, lineNumber: number, children?: number[]): ProfileNode {
  return { id, callFrame: { functionName, url, lineNumber }, ...(children ? { children } : {}) };
}

/**
 * (root) ─┬ (program) 0.5 ms, (garbage collector) 0.5 ms, (idle) 20 ms
 *         ├ main (self 1 ms) ─┬ weird<T>&"q" 2 ms ; slow 3 ms ; tiny 3 µs ─ tinier 2 µs
 *         └ main (again)    ──┴ slow 3 ms         (same path: merged with the one above)
 */
function syntheticProfile(): CpuProfile {
  const main = ['main', 'file:///repo/server/app.ts', 9] as const;
  const slow = ['slow', 'node:internal/slow', 4] as const;
  const nodes = [
    node(1, '(root)', '', -1, [2, 3, 4, 10, 12]),
    node(2, '(program)', '', -1),
    node(3, '(idle)', '', -1),
    node(4, ...main, [5, 6, 7]),
    node(5, WEIRD, 'file:///repo/node_modules/@scope/pkg/index.js', 0),
    node(6, ...slow),
    node(7, 'tiny', 'file:///repo/server/tiny.ts', 2, [8]),
    node(8, 'tinier', 'node:fs', 7),
    node(10, ...main, [11]),
    node(11, ...slow),
    node(12, '(garbage collector)', '', -1),
  ];
  const samples: [number, number][] = [
    [4, 1000], [5, 2000], [6, 1000], [3, 10_000], [6, 2000], [11, 3000],
    [7, 3], [8, 2], [2, 500], [3, 10_000], [12, 500],
  ];
  return { nodes, samples: samples.map(([id]) => id), timeDeltas: samples.map(([, dt]) => dt) };
}

const OPTIONS = { repoRoot: '/repo', width: 1000 };
const MAIN = 'main /repo/server/app.ts:10';
const SLOW = 'slow node:internal/slow:5';
const FAST = `${WEIRD} ~/@scope/pkg/index.js:1`;

/** Parse as XML; a malformed document either throws or comes back as a parsererror. */
function parseSvg(svg: string): XmlDocument {
  const { document } = new JSDOM(svg, { contentType: 'image/svg+xml' }).window;
  if (document.getElementsByTagName('parsererror').length > 0) throw new Error('parsererror');
  if (document.documentElement.tagName !== 'svg') throw new Error(`root is <${document.documentElement.tagName}>`);
  return document;
}

interface DrawnBox {
  frame: string;
  title: string;
  kind: string;
  x: number;
  y: number;
  width: number;
}

function boxes(svg: string): DrawnBox[] {
  return [...parseSvg(svg).querySelectorAll('g.f')].map((g) => {
    const rect = g.querySelector('rect')!;
    const title = g.querySelector('title')!.textContent ?? '';
    return {
      frame: title.split('\n')[0]!,
      title,
      kind: g.getAttribute('data-kind') ?? '',
      x: Number(rect.getAttribute('x')),
      y: Number(rect.getAttribute('y')),
      width: Number(rect.getAttribute('width')),
    };
  });
}

function only(drawn: DrawnBox[], frame: string): DrawnBox {
  const found = drawn.filter((b) => b.frame === frame);
  expect(found, frame).toHaveLength(1);
  return found[0]!;
}

describe('flameGraphSvg', () => {
  const svg = flameGraphSvg(syntheticProfile(), OPTIONS);
  // Parsed inside each test, so a malformed document fails tests rather than the collection.
  let parsed: DrawnBox[] | undefined;
  const drawnBoxes = () => (parsed ??= boxes(svg));

  it('is well-formed XML, and the check would catch a document that is not', () => {
    expect(() => parseSvg(svg)).not.toThrow();
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a<b</text></svg>')).toThrow();
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>')).toThrow();
    expect(svg).not.toContain('<script');
  });

  it('makes widths proportional to time: the root spans the width, 3× the time is 3× as wide', () => {
    expect(only(drawnBoxes(), '(root)').width).toBe(1000);
    const slow = only(drawnBoxes(), SLOW);
    const fast = only(drawnBoxes(), FAST);
    expect(slow.width / fast.width).toBeCloseTo(3, 2);
    // main: 1 ms self + 2 + 6 ms below + 5 µs (tiny) of 10.005 ms busy.
    expect(only(drawnBoxes(), MAIN).width).toBeCloseTo((9005 / 10_005) * 1000, 1);
  });

  it('merges the same call path into one box, with the time of both', () => {
    expect(drawnBoxes().filter((b) => b.frame === MAIN)).toHaveLength(1);
    expect(only(drawnBoxes(), SLOW).title).toContain('6.0 ms');
    expect(only(drawnBoxes(), MAIN).title).toContain('9.0 ms, 90.0% of busy time (self 1.0 ms)');
  });

  it('nests: a child sits one row above its parent, inside its x-range; siblings by name', () => {
    const root = only(drawnBoxes(), '(root)');
    const main = only(drawnBoxes(), MAIN);
    for (const [parent, child] of [[root, main], [main, only(drawnBoxes(), SLOW)], [main, only(drawnBoxes(), FAST)]] as const) {
      expect(child.y).toBeLessThan(parent.y);
      expect(parent.y - child.y).toBe(root.y - main.y);
      expect(child.x).toBeGreaterThanOrEqual(parent.x);
      expect(child.x + child.width).toBeLessThanOrEqual(parent.x + parent.width + 0.01);
    }
    const xs = ['(garbage collector)', '(program)', MAIN].map((frame) => only(drawnBoxes(), frame).x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(only(drawnBoxes(), SLOW).x).toBeLessThan(only(drawnBoxes(), FAST).x);
  });

  it('leaves (idle) out by default and keeps it with includeIdle', () => {
    expect(drawnBoxes().some((b) => b.frame === '(idle)')).toBe(false);
    expect(svg).toContain('10.0 ms busy · 20.0 ms idle left out');
    expect(only(drawnBoxes(), '(program)').kind).toBe('v8');
    expect(only(drawnBoxes(), '(garbage collector)').kind).toBe('v8');

    const withIdle = boxes(flameGraphSvg(syntheticProfile(), { ...OPTIONS, includeIdle: true }));
    expect(only(withIdle, '(idle)').width).toBeCloseTo((20_000 / 30_005) * 1000, 1);
    expect(only(withIdle, MAIN).width).toBeCloseTo((9005 / 30_005) * 1000, 1);
    expect(only(withIdle, MAIN).title).toContain('of all time');
  });

  it('escapes names: no raw < or & in the text, and the name reads back intact', () => {
    expect(svg).not.toContain(WEIRD);
    expect(svg).toContain('weird&lt;T&gt;&amp;&quot;q&quot;');
    expect(svg.match(/&(?!(?:amp|lt|gt|quot|apos);)/g)).toBeNull();
    // Between tags, text holds no '<' (every '<' opens a tag, comment or declaration).
    expect(svg.match(/<(?![a-zA-Z/?!])/g)).toBeNull();
    expect(only(drawnBoxes(), FAST).title.startsWith(WEIRD)).toBe(true);
  });

  it('drops boxes narrower than 0.1% of the width and says how many', () => {
    expect(drawnBoxes().some((b) => b.frame.startsWith('tiny'))).toBe(false);
    expect(drawnBoxes().some((b) => b.frame.startsWith('tinier'))).toBe(false);
    expect(svg).toContain('2 frames narrower than 0.10% not drawn');
    const kept = boxes(flameGraphSvg(syntheticProfile(), { ...OPTIONS, minWidthFraction: 0 }));
    expect(kept.some((b) => b.frame === 'tiny /repo/server/tiny.ts:3')).toBe(true);
    expect(kept.some((b) => b.frame === 'tinier node:fs:8')).toBe(true);
  });

  it('colours by kind: our code, a package by name, node internals, V8 pseudo-frames; with a legend', () => {
    expect(only(drawnBoxes(), MAIN).kind).toBe('ours');
    expect(only(drawnBoxes(), FAST).kind).toBe('package');
    expect(only(drawnBoxes(), SLOW).kind).toBe('node');
    expect(only(drawnBoxes(), '(root)').kind).toBe('v8');
    const legend = parseSvg(svg).querySelector('g.legend')!.textContent ?? '';
    for (const entry of ['our code', 'node internals', 'V8 pseudo-frame', '@scope/pkg']) expect(legend).toContain(entry);
    expect(flameTree(syntheticProfile(), OPTIONS).children.find((c) => c.frame === MAIN)?.children.map((c) => c.pkg))
      .toContain('@scope/pkg');
  });

  it('draws the same picture whatever order the profile lists nodes and children in', () => {
    const shuffled = syntheticProfile();
    shuffled.nodes.reverse();
    for (const n of shuffled.nodes) n.children?.reverse();
    expect(flameGraphSvg(shuffled, OPTIONS)).toBe(svg);
  });
});
