// The login chart as plain data, read from the machine's own state nodes. XState's
// `toDirectedGraph` leaves out eventless (`always`) transitions, which carry most of this
// chart's decisions (booting, judging a failure), so the walk is done here: every `on`,
// `always`, invoke done/error and `after` transition, in config order, with its guard.

import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export type Trigger =
  | { kind: 'event'; event: string }
  | { kind: 'always' }
  | { kind: 'done'; invoke: string }
  | { kind: 'error'; invoke: string }
  | { kind: 'after'; delay: string };

export interface ChartEdge {
  /** Stable identity: source state, event descriptor, position among that event's candidates. */
  key: string;
  source: string;
  /** Empty for a targetless (internal) transition: it runs actions and stays. */
  targets: string[];
  trigger: Trigger;
  guard: string | null;
  actions: string[];
  description: string | null;
}

export interface ChartState {
  /** The machine's state id, e.g. `login.session.signedIn`. */
  id: string;
  key: string;
  /** Dotted path below the root (`session.signedIn`); '' for the root. */
  path: string;
  parent: string | null;
  children: string[];
  initial: string | null;
  tags: string[];
  description: string | null;
  entry: string[];
  exit: string[];
  invokes: Array<{ id: string; src: string }>;
  /** Transitions that leave this state for another (or re-enter it). */
  edges: ChartEdge[];
  /** Targetless transitions: handled here without leaving. */
  internal: ChartEdge[];
}

export interface Chart {
  id: string;
  root: ChartState;
  /** Every state, root first, in document order (parents before children). */
  states: ChartState[];
  byId: ReadonlyMap<string, ChartState>;
  edges: ChartEdge[];
  edgeByKey: ReadonlyMap<string, ChartEdge>;
}

const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';
const AFTER = 'xstate.after.';

function nameOf(thing: unknown): string | null {
  if (typeof thing === 'string') return thing;
  // Built-in actions (raise, assign, …) are functions or objects carrying their `type`.
  if ((typeof thing === 'object' || typeof thing === 'function') && thing !== null
    && typeof (thing as { type?: unknown }).type === 'string') {
    return (thing as { type: string }).type;
  }
  if (typeof thing === 'function' && thing.name) return thing.name;
  return null;
}

/** Named actions only: `after` adds xstate's own raise/cancel to entry/exit, which are plumbing. */
function actionNames(actions: readonly unknown[]): string[] {
  return actions.map(nameOf).filter((name): name is string => name !== null && !name.startsWith('xstate.'));
}

function triggerOf(transition: AnyTransitionDefinition): Trigger {
  const type = String(transition.eventType);
  if (type === '') return { kind: 'always' };
  if (type.startsWith(DONE_ACTOR)) return { kind: 'done', invoke: type.slice(DONE_ACTOR.length) };
  if (type.startsWith(ERROR_ACTOR)) return { kind: 'error', invoke: type.slice(ERROR_ACTOR.length) };
  if (type.startsWith(AFTER)) {
    const delay = (transition as { delay?: unknown }).delay;
    return { kind: 'after', delay: typeof delay === 'number' ? `${delay}ms` : String(delay) };
  }
  return { kind: 'event', event: type };
}

/** The key under which a transition is drawn; the scenario runner finds taken edges by it. */
export function edgeKey(transition: AnyTransitionDefinition): string {
  const source = transition.source;
  const type = String(transition.eventType);
  const candidates = type === '' ? source.always ?? [] : source.transitions.get(type) ?? [];
  return `${source.id}|${type || 'always'}|${candidates.indexOf(transition)}`;
}

function toEdge(transition: AnyTransitionDefinition): ChartEdge {
  const description = (transition as { description?: unknown }).description;
  return {
    key: edgeKey(transition),
    source: transition.source.id,
    targets: (transition.target ?? []).map((target: AnyStateNode) => target.id),
    trigger: triggerOf(transition),
    guard: transition.guard === undefined ? null : nameOf(transition.guard) ?? 'guard',
    actions: actionNames(transition.actions),
    description: typeof description === 'string' ? description : null,
  };
}

export function chartOf(machine: AnyStateMachine): Chart {
  const states: ChartState[] = [];
  const rootId = machine.root.id;

  const visit = (node: AnyStateNode, parent: string | null): void => {
    const transitions: AnyTransitionDefinition[] = [...node.transitions.values()].flat();
    transitions.push(...(node.always ?? []));
    const all = transitions.map(toEdge);
    const children = Object.values(node.states) as AnyStateNode[];
    states.push({
      id: node.id,
      key: node.key,
      path: node.path.join('.'),
      parent,
      children: children.map((child) => child.id),
      initial: node.type === 'compound' ? node.initial.target[0]?.id ?? null : null,
      tags: [...node.tags].sort(),
      description: node.description ?? null,
      entry: actionNames(node.entry),
      exit: actionNames(node.exit),
      invokes: node.invoke.map((definition) => ({ id: definition.id, src: String(definition.src) })),
      edges: all.filter((edge) => edge.targets.length > 0),
      internal: all.filter((edge) => edge.targets.length === 0),
    });
    for (const child of children) visit(child, node.id);
  };
  visit(machine.root, null);

  const byId = new Map(states.map((state) => [state.id, state]));
  const edges = states.flatMap((state) => [...state.edges, ...state.internal]);
  return {
    id: rootId,
    root: byId.get(rootId)!,
    states,
    byId,
    edges,
    edgeByKey: new Map(edges.map((edge) => [edge.key, edge])),
  };
}

/** What a person reads on an edge: the trigger and, in brackets, the guard. */
export function triggerLabel(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'event':
      return trigger.event;
    case 'always':
      return 'always';
    case 'done':
      return `done: ${trigger.invoke}`;
    case 'error':
      return `error: ${trigger.invoke}`;
    case 'after':
      return `after ${trigger.delay}`;
  }
}

export function edgeLabel(edge: ChartEdge): string {
  return edge.guard ? `${triggerLabel(edge.trigger)} [${edge.guard}]` : triggerLabel(edge.trigger);
}

function reactionText(edge: ChartEdge): string {
  return `${edgeLabel(edge)} / ${edge.actions.length > 0 ? edge.actions.join(', ') : 'stays'}`;
}

/** What a state does without leaving it: tags, invokes, entry/exit actions, internal transitions. */
export function reactionLines(state: ChartState): string[] {
  const lines: string[] = [];
  if (state.tags.length > 0) lines.push(`tags: ${state.tags.join(', ')}`);
  for (const invoke of state.invokes) {
    lines.push(invoke.id === invoke.src ? `invoke ${invoke.src}` : `invoke ${invoke.src} (${invoke.id})`);
  }
  if (state.entry.length > 0) lines.push(`entry / ${state.entry.join(', ')}`);
  if (state.exit.length > 0) lines.push(`exit / ${state.exit.join(', ')}`);
  for (const edge of state.internal) lines.push(reactionText(edge));
  return lines;
}

/**
 * Whether a composite gets an "any … state" node: what it does in any of its substates, and
 * where transitions that leave it from any substate start (the root's is "any state").
 */
export function hasAnyNode(chart: Chart, state: ChartState): boolean {
  if (state.children.length === 0) return false;
  return state === chart.root
    ? state.edges.length + state.internal.length > 0
    : state.edges.length > 0 || reactionLines(state).length > 0;
}
