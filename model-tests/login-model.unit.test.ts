// The test model itself: its goals are the machine's own definition, every invoke and delay of
// the chart can happen in it, its paths replay exactly, and together they reach every goal.

import { beforeAll, describe, expect, it } from 'vitest';
import { getStateNodes, toDirectedGraph } from 'xstate/graph';
import type { DirectedGraphEdge, DirectedGraphNode } from 'xstate/graph';
import { loginMachine } from '../machines/login-machine.js';
import { IGNORED_TAPS } from './model/alphabet.js';
import { machineActorsAndDelays, machineGoals } from './model/goals.js';
import { allGoals, generatePaths, replay } from './model/paths.js';
import type { GeneratedPaths, ModelPath } from './model/paths.js';
import { transitionKey } from './model/machine-step.js';
import { abstractState } from './model/abstraction.js';
import { checkWalk } from './walks/walk-report.js';

// Generated in beforeAll, not at import: a machine that breaks generation then fails the tests.
// Pure CPU: a few seconds on a quiet machine, past a minute beside two CPU burners and another
// suite (npm run test:busy). The margin is stated: five minutes; a machine whose context grows
// without bound fails in seconds anyway (bounded exploration), so this never hides a hang.
const GENERATION_BUDGET_MS = 300_000;
let generated: GeneratedPaths;
beforeAll(() => {
  generated = generatePaths();
}, GENERATION_BUDGET_MS);

function edges(node: DirectedGraphNode): DirectedGraphEdge[] {
  return [...node.edges, ...node.children.flatMap(edges)];
}

describe('the test model is the login machine', () => {
  it('takes its goals from the definition: every state node, transition and platform action', () => {
    const goals = machineGoals();
    const nodes = getStateNodes(loginMachine.root);
    // xstate/graph's own view of the chart, plus the eventless transitions it leaves out.
    const viaGraph = edges(toDirectedGraph(loginMachine)).map((edge) => transitionKey(edge.transition));
    const always = [loginMachine.root, ...nodes].flatMap((node) => (node.always ?? []).map(transitionKey));
    expect([...goals.transitions].sort()).toEqual([...new Set([...viaGraph, ...always])].sort());
    expect(goals.transitions).toHaveLength(135);
    expect(goals.states).toEqual(nodes.map((node) => node.id));
    expect(goals.states).toHaveLength(49);
    expect(goals.platformActions.sort()).toEqual([
      'agreePrivacy', 'followDeepLink', 'hideBusy', 'redirectToLoginPage', 'refusePrivacy', 'rejectQueuedRequests', 'rejectRequest',
      'replayQueuedRequests', 'replayRequest', 'reportMisconfiguration', 'showBusy', 'showFailure', 'showPrivacyPopup',
    ]);
  });

  it('makes every invoke end and every delay run out as an event of its own', () => {
    const { invokes, delays } = machineActorsAndDelays();
    const events = generated.paths.flatMap((path) => path.steps.map((step) => step.event));
    for (const invoke of invokes) {
      expect(events.some((event) => event.type === 'END' && event.invoke === invoke && event.ending === 'done'), invoke).toBe(true);
      expect(events.some((event) => event.type === 'END' && event.invoke === invoke && event.ending !== 'done'), invoke).toBe(true);
    }
    for (const delay of delays) expect(events.some((event) => event.type === 'TIMER' && event.delay === delay), delay).toBe(true);
  });
});

describe('the generated paths', () => {
  it('reach every goal: every state node and transition of the chart, with no exceptions', () => {
    expect(generated.unreached).toEqual([]);
    expect(allGoals()).toEqual(expect.arrayContaining(IGNORED_TAPS.map((tap) => `tap:${tap.goal}`)));
  });

  // The two refused-token fixes, as a path shows them to a person (run for real by login-paths).
  const refused = (path: ModelPath, invoke: string) =>
    path.steps.findIndex(({ event }) => event.type === 'END' && event.invoke === invoke && event.ending === 'gone');

  it('take "log out everywhere" with a token the server refuses: signed out at the first tap, no toast', () => {
    const path = generated.paths.find((candidate) => refused(candidate, 'revokeSessions') > 0);
    expect(path, 'no path answers revokeSessions with a refused token').toBeDefined();
    const at = refused(path!, 'revokeSessions');
    const [before, after] = [path!.steps[at - 1]!.state, path!.steps[at]!.state];
    expect(before.machine?.matches({ session: 'revoking' })).toBe(true);
    expect(after.machine?.value).toBe('signedOut');
    expect(after.machine?.context.token).toBeNull();
    expect(after.env.toasts).toBe(before.env.toasts);
  });

  it('take a phone binding whose token the server refuses: re-login, and a toast asking for another tap', () => {
    const path = generated.paths.find((candidate) => refused(candidate, 'bindPhone') > 0);
    expect(path, 'no path answers bindPhone with a refused token').toBeDefined();
    const at = refused(path!, 'bindPhone');
    const [before, after] = [path!.steps[at - 1]!.state, path!.steps[at]!.state];
    expect(after.machine?.matches('reauthenticating')).toBe(true);
    expect(after.machine?.context.error?.code).toBe('PHONE_NOT_BOUND');
    expect(after.env.toasts).toBe(before.env.toasts + 1);
    expect(after.env.phone).toBe(false);
  });

  it('replay to the same states and reach the same goals', () => {
    for (const path of generated.paths) {
      const again = replay(path.steps.map((step) => step.event));
      expect(again.steps.map((step) => abstractState(step.state))).toEqual(path.steps.map((step) => abstractState(step.state)));
      expect([...again.goals].sort()).toEqual([...path.goals].sort());
    }
  });

  it('keep every requirement on every step', () => {
    const reports = generated.paths.map((path) => checkWalk(path)).filter((check) => check.violations.length > 0).map((check) => check.report());
    expect(reports.join('\n\n')).toBe('');
  });

  it('stay few and short enough to run end to end in seconds', () => {
    const steps = generated.paths.reduce((sum, path) => sum + path.steps.length, 0);
    expect(generated.paths.length).toBeLessThanOrEqual(60);
    expect(steps).toBeLessThanOrEqual(550);
  });
});
