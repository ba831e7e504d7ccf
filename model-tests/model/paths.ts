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
import { explosionReport, MAX_MODEL_STATES, UnboundedContextError } from './bounds.js';
import { Heap } from './heap.js';
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

/** The walk's view of the model, stopped by name once it has visited MAX_MODEL_STATES states. */
function boundedTraversal() {
  const visited = new Map<string, ModelState>();
  return {
    events: (snapshot: Snap) => eventsOf(snapshot.context),
    serializeState: (snapshot: Snap) => {
      const key = keyOf(snapshot.context);
      if (!visited.has(key)) {
        visited.set(key, snapshot.context);
        if (visited.size > MAX_MODEL_STATES) throw new UnboundedContextError(explosionReport([...visited.values()]));
      }
      return key;
    },
    serializeEvent: (event: ModelEvent) => JSON.stringify(event),
  };
}

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
  /** Ids of the wanted goals the path reaches. */
  goals: number[];
}

/** One candidate per edge of the walk: the shortest way to its source, then the edge. */
function candidates(machine: LoginLogic, goalIds: ReadonlyMap<string, number>): Candidate[] {
  const logic = loginTestLogic(machine);
  const traversal = boundedTraversal();
  const adjacency = getAdjacencyMap(logic, traversal as never) as AdjacencyMap<Snap, ModelEvent>;
  const shortest = getShortestPaths(logic, traversal as never) as unknown as Array<{ state: Snap; steps: Array<{ state: Snap; event: ModelEvent }> }>;
  const known = new Map<string, number[]>();
  const edgeGoals = (from: string, event: ModelEvent): number[] => {
    const eventKey = JSON.stringify(event);
    const key = `${from}\u0000${eventKey}`;
    let goals = known.get(key);
    if (!goals) {
      const record = adjacency[from as never]!.transitions[eventKey as never]!.state.context.last;
      goals = goalsOf(record).map((goal) => goalIds.get(goal)).filter((id): id is number => id !== undefined);
      known.set(key, goals);
    }
    return goals;
  };

  const result: Candidate[] = [];
  for (const path of shortest) {
    // alterPath form: step i holds the event that led to its state; step 0 is xstate.init.
    const events = path.steps.slice(1).map((step) => step.event);
    const prefixGoals = new Set<number>();
    events.forEach((event, i) => {
      for (const goal of edgeGoals(keyOf(path.steps[i]!.state.context), event)) prefixGoals.add(goal);
    });
    const end = keyOf(path.state.context);
    for (const { event } of Object.values(adjacency[end as never]?.transitions ?? {})) {
      const goals = new Set(prefixGoals);
      for (const goal of edgeGoals(end, event)) goals.add(goal);
      result.push({ events: [...events, event], goals: [...goals] });
    }
  }
  return result;
}

/**
 * Greedy set cover: the path that adds most uncovered goals, the shorter on a tie, the earlier
 * on a tie of both. Gains only fall as goals get covered, so a candidate whose recounted gain
 * still heads the queue is the best one (lazy greedy): most are never recounted.
 */
function cover(all: readonly Candidate[], goalCount: number): Candidate[] {
  const covered = new Uint8Array(goalCount);
  const gainOf = (candidate: Candidate) => candidate.goals.reduce((gain, goal) => gain + (covered[goal] ? 0 : 1), 0);
  const before = (a: [number, number], b: [number, number]) => {
    const [x, y] = [all[a[1]]!, all[b[1]]!];
    return a[0] !== b[0] ? a[0] > b[0] : x.events.length !== y.events.length ? x.events.length < y.events.length : a[1] < b[1];
  };
  const queue = new Heap<[number, number]>(before);
  all.forEach((candidate, i) => queue.push([gainOf(candidate), i]));
  const chosen: Candidate[] = [];
  for (let top = queue.pop(); top && top[0] > 0; top = queue.pop()) {
    const gain = gainOf(all[top[1]]!);
    if (gain < top[0]) {
      queue.push([gain, top[1]]);
      continue;
    }
    const best = all[top[1]]!;
    chosen.push(best);
    for (const goal of best.goals) covered[goal] = 1;
  }
  return chosen;
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
  const goalIds = new Map(goals.map((goal, i) => [goal, i]));
  const chosen = cover(candidates(machine, goalIds), goals.length);
  const paths = chosen.map((candidate) => replay(candidate.events, machine));
  const reached = new Set(paths.flatMap((path) => [...path.goals]));
  return { paths, goals, unreached: goals.filter((goal) => !reached.has(goal)) };
}
