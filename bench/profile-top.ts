// Where the time went: the top frames of a V8 CPU profile (node --cpu-prof), by self time and
// by total time, without opening DevTools.
//
//   npx tsx bench/profile-top.ts bench/profiles/CPU.….cpuprofile [how many, default 25]

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  /** Share of all samples spent in the frame itself. */
  self: number;
  /** Share of all samples with the frame anywhere on the stack. */
  total: number;
}

/** The frame as a reader names it: function and file:line, repo paths relative, packages as ~/name/…. */
export function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*\/work\/main\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** Microseconds of samples per node id: each sample gets the time delta recorded with it. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const selfSamples = new Map<number, number>();
  profile.samples.forEach((id, i) => selfSamples.set(id, (selfSamples.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  return selfSamples;
}

export function topFrames(profile: CpuProfile, count = 25): { bySelf: FrameTime[]; byTotal: FrameTime[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfSamples = selfTimes(profile);
  const all = [...selfSamples.values()].reduce((a, b) => a + b, 0) || 1;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, time] of selfSamples) {
    const node = byId.get(id)!;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + time);
    // Every distinct frame on the stack gets the time once (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + time);
    }
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([frame]) => ({ frame, self: (self.get(frame) ?? 0) / all, total: (total.get(frame) ?? 0) / all }));
  return { bySelf: rank(self), byTotal: rank(total) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/profile-top.ts FILE.cpuprofile [count]');
  const { bySelf, byTotal } = topFrames(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25));
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  console.log('self   total  frame (by self time)');
  for (const f of bySelf) console.log(`${pct(f.self)} ${pct(f.total)}  ${f.frame}`);
  console.log('\nself   total  frame (by total time)');
  for (const f of byTotal) console.log(`${pct(f.self)} ${pct(f.total)}  ${f.frame}`);
}
