import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginMachine } from '../../machines/index.js';
import { chartOf } from './chart.js';
import { BLOCKS, readBlock } from './flows-doc.js';
import { machineMermaid } from './mermaid.js';
import type { DiagramOutputs } from './outputs.js';
import { buildOutputs, DIAGRAMS_DIR, FLOWS_PATH, renderSvgs } from './outputs.js';
import { runVariant } from './run-scenario.js';
import type { Variant } from './run-scenario.js';
import { scenarios } from './scenarios.js';

const STALE = 'is stale: run `npm run docs` and commit the result';

let outputs: DiagramOutputs;
beforeAll(() => {
  outputs = buildOutputs();
});

describe('the committed diagrams are what the machine produces now', () => {
  it('flows.md: the whole machine and every scenario section', () => {
    const flows = readFileSync(FLOWS_PATH, 'utf8');
    for (const name of BLOCKS) {
      expect(readBlock(flows, name), `flows.md block "${name}" ${STALE}`).toBe(outputs.blocks[name]);
    }
  });

  it('docs/diagrams: one DOT and one SVG per diagram, no more, each as Graphviz renders it now', async () => {
    const committed = readdirSync(DIAGRAMS_DIR).filter((file) => /\.(dot|svg)$/.test(file)).sort();
    const expected = [...outputs.dots.keys()].flatMap((name) => [`${name}.dot`, `${name}.svg`]).sort();
    expect(committed, `docs/diagrams ${STALE}`).toEqual(expected);
    const svgs = await renderSvgs(outputs.dots);
    for (const [name, dot] of outputs.dots) {
      expect(readFileSync(join(DIAGRAMS_DIR, `${name}.dot`), 'utf8'), `${name}.dot ${STALE}`).toBe(dot);
      expect(readFileSync(join(DIAGRAMS_DIR, `${name}.svg`), 'utf8'), `${name}.svg ${STALE}`).toBe(svgs.get(name));
    }
  });

  it('generation is deterministic', () => {
    const again = buildOutputs();
    expect(again.blocks).toEqual(outputs.blocks);
    expect([...again.dots]).toEqual([...outputs.dots]);
  });
});

describe('what the diagrams show', () => {
  const chart = chartOf(loginMachine);
  const mermaid = machineMermaid(chart);

  it('draws the eventless decisions that toDirectedGraph leaves out, with their guards', () => {
    expect(mermaid).toContain('booting --> session : always [hasLiveToken]');
    expect(mermaid).toContain('booting --> authenticating : always [opensOutsideLoginPage]');
    expect(mermaid).toContain('authenticating_judgingFailure --> authenticating_backingOff : always [mayRetryAfterBackoff]');
    expect(mermaid).toContain('failed_judging --> failed_blocked : always [isBlocked]');
  });

  it('draws invoke outcomes, delays, and transitions that leave a composite from any substate', () => {
    expect(mermaid).toContain('authenticating_obtainingCode --> authenticating_exchanging : done: wxLogin');
    expect(mermaid).toContain('session_revoking --> signedOut : error: revokeSessions [isLoginGoneFailure]');
    expect(mermaid).toContain('failed_coolingDown --> authenticating : after rateLimitWait');
    expect(mermaid).toContain('session__any --> reauthenticating : SHOW [isTokenExpired]');
    expect(mermaid).toContain('anywhere --> booting : LAUNCH');
  });

  it('draws every transition the machine config declares, and declares every node an edge names', () => {
    // Count from the raw config, independently of the state-node walk the diagrams use.
    const count = (node: Record<string, unknown>): number => {
      const on = (node['on'] ?? {}) as Record<string, unknown>;
      const after = (node['after'] ?? {}) as Record<string, unknown>;
      const invokes = [node['invoke'] ?? []].flat() as Array<Record<string, unknown>>;
      const hasTarget = (t: unknown) => typeof t === 'string' || (typeof t === 'object' && t !== null && 'target' in t);
      const targeted = (value: unknown) => [value ?? []].flat().filter(hasTarget).length;
      const own = Object.values(on).reduce<number>((n, v) => n + targeted(v), 0)
        + targeted(node['always'])
        + Object.values(after).reduce<number>((n, v) => n + targeted(v), 0)
        + invokes.reduce((n, i) => n + targeted(i['onDone']) + targeted(i['onError']), 0);
      const children = Object.values((node['states'] ?? {}) as Record<string, Record<string, unknown>>);
      return own + children.reduce((n, child) => n + count(child), 0);
    };
    const edges = mermaid.split('\n').filter((line) => / --> /.test(line) && !line.includes('[*]'));
    expect(edges).toHaveLength(count(loginMachine.config as unknown as Record<string, unknown>));

    const declared = new Set([...mermaid.matchAll(/state "[^"]+" as (\w+)/g)].map((m) => m[1]));
    for (const line of edges) {
      const [, from, to] = /^\s*(\w+) --> (\w+) :/.exec(line)!;
      expect(declared, line).toContain(from);
      expect(declared, line).toContain(to);
    }
  });
});

describe('scenarios are played through the machine, so they cannot drift', () => {
  const chart = chartOf(loginMachine);
  const silent = scenarios.find((s) => s.id === 'fresh-user')!.variants[0]!;

  it('lists the events in the order the machine took them', () => {
    const run = runVariant(chart, 'fresh-user', silent);
    expect(run.steps.map((step) => [step.label, step.state])).toEqual([
      ['LAUNCH pages/index/index', 'authenticating.obtainingCode'],
      ['wxLogin done', 'authenticating.exchanging'],
      ['exchangeCode done', 'session.signedIn'],
    ]);
    expect(run.steps[2]!.microsteps.map((m) => m.to)).toEqual(['session.routing', 'session.signedIn']);
  });

  it('a scenario that no longer ends where the design says fails generation', () => {
    const wrong: Variant = { ...silent, ends: 'session.awaitingConsent' };
    expect(() => runVariant(chart, 'fresh-user', wrong)).toThrow(/ends in session\.signedIn, expected session\.awaitingConsent/);
  });

  it('an answer from a platform call the machine is not making fails generation', () => {
    const wrong: Variant = { ...silent, steps: [silent.steps[0]!, { done: 'exchangeCode', output: {} }] };
    expect(() => runVariant(chart, 'fresh-user', wrong)).toThrow(/exchangeCode is not running/);
  });

  it('covers every scenario of the design', () => {
    expect(scenarios.map((s) => s.id)).toEqual([
      'fresh-user', 'returning-user', 'reinstall', 'token-expiry', 'share-deep-link',
      'denied-consent', 'failures', 'double-taps', 'logout-and-background',
    ]);
  });
});
