// Paths from the test model: xstate/graph's adjacency map and shortest paths over the abstract
// states, then a small set of them chosen to cover every goal (each transition and state node
// of the machine, each platform action, each tap that must change nothing).

import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { AdjacencyMap } from 'xstate/graph';
import type { ModelEvent } from './alphabet.js';
import { eventsFor, IGNORED_TAPS } from './alphabet.js';
import { machineGoals } from './goals.js';
import type { ModelState, StepRecord } from './test-model.js';
import { abstractState, loginTestLogic } from './abstraction.js';
import { initialModelState, modelStep } from './test-model.js';
import { loginMachine } from '../../machines/login-machine.js';
import type { LoginLogic } from './machine-step.js';

export interface ModelStepView {
  event: ModelEvent;
  /** The model's state after the event. */
  state: ModelState;
}

export interface ModelPath {
  steps: ModelStepView[];
  goals: Set<string>;
}

/** Goals as strings: `state:<id>`, `transition:<key>`, `action:<name>`, `tap:<goal>`. */
export function goalsOf(record: StepRecord): string[] {
  return [
    ...record.entered.map((id) => `state:${id}`),
    ...record.taken.map((key) => `transition:${key}`),
    ...record.actions.map((name) => `action:${name}`),
    ...record.goals.map((goal) => `tap:${goal}`),
  ];
}

export function allGoals(machine: LoginLogic = loginMachine): string[] {
  const goals = machineGoals(machine);
  return [
    ...goals.states.map((id) => `state:${id}`),
    ...goals.transitions.map((key) => `transition:${key}`),
    ...goals.platformActions.map((name) => `action:${name}`),
    ...IGNORED_TAPS.map((tap) => `tap:${tap.goal}`),
  ];
}

type Snap = { context: ModelState };

/** Per state object: the walks ask for the same key and events many times over. */
function perState<T>(compute: (state: ModelState) => T): (state: ModelState) => T {
  const known = new WeakMap<ModelState, T>();
  return (state) => {
    if (!known.has(state)) known.set(state, compute(state));
    return known.get(state)!;
  };
}
const keyOf = perState(abstractState);
const eventsOf = perState(eventsFor);
const traversal = {
  events: (snapshot: Snap) => eventsOf(snapshot.context),
  serializeState: (snapshot: Snap) => keyOf(snapshot.context),
  serializeEvent: (event: ModelEvent) => JSON.stringify(event),
};

/** Replays events from a fresh install: the exact model states, whatever the walk merged. */
export function replay(events: readonly ModelEvent[], machine: LoginLogic = loginMachine): ModelPath {
  let state = initialModelState(machine);
  const goals = new Set<string>();
  const steps = events.map((event) => {
    state = modelStep(state, event);
    for (const goal of goalsOf(state.last)) goals.add(goal);
    return { event, state };
  });
  return { steps, goals };
}

interface Candidate {
  events: ModelEvent[];
  goals: Set<string>;
}

/** One candidate per edge of the walk: the shortest way to its source, then the edge. */
function candidates(machine: LoginLogic): Candidate[] {
  const logic = loginTestLogic(machine);
  const adjacency = getAdjacencyMap(logic, traversal as never) as AdjacencyMap<Snap, ModelEvent>;
  const shortest = getShortestPaths(logic, traversal as never) as unknown as Array<{ state: Snap; steps: Array<{ state: Snap; event: ModelEvent }> }>;
  const edgeGoals = (from: string, event: ModelEvent) =>
    goalsOf(adjacency[from as never]!.transitions[JSON.stringify(event) as never]!.state.context.last);

  const result: Candidate[] = [];
  for (const path of shortest) {
    // alterPath form: step i holds the event that led to its state; step 0 is xstate.init.
    const events = path.steps.slice(1).map((step) => step.event);
    const prefixGoals = new Set<string>();
    events.forEach((event, i) => {
      for (const goal of edgeGoals(keyOf(path.steps[i]!.state.context), event)) prefixGoals.add(goal);
    });
    const end = keyOf(path.state.context);
    for (const { event } of Object.values(adjacency[end as never]?.transitions ?? {})) {
      const goals = new Set(prefixGoals);
      for (const goal of edgeGoals(end, event)) goals.add(goal);
      result.push({ events: [...events, event], goals });
    }
  }
  return result;
}

/** Greedy set cover: the path that adds most uncovered goals, the shorter on a tie. */
function cover(all: readonly Candidate[], wanted: ReadonlySet<string>): Candidate[] {
  const uncovered = new Set(wanted);
  const chosen: Candidate[] = [];
  for (;;) {
    let best: Candidate | null = null;
    let bestGain = 0;
    for (const candidate of all) {
      let gain = 0;
      for (const goal of candidate.goals) if (uncovered.has(goal)) gain += 1;
      if (gain > bestGain || (gain === bestGain && gain > 0 && best && candidate.events.length < best.events.length)) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best) return chosen;
    chosen.push(best);
    for (const goal of best.goals) uncovered.delete(goal);
  }
}

export interface GeneratedPaths {
  paths: ModelPath[];
  /** Every goal the machine's definition names. */
  goals: string[];
  /** Goals no path of the walk reaches. */
  unreached: string[];
}

export function generatePaths(machine: LoginLogic = loginMachine): GeneratedPaths {
  const goals = allGoals(machine);
  const chosen = cover(candidates(machine), new Set(goals));
  const paths = chosen.map((candidate) => replay(candidate.events, machine));
  const reached = new Set(paths.flatMap((path) => [...path.goals]));
  return { paths, goals, unreached: goals.filter((goal) => !reached.has(goal)) };
}
