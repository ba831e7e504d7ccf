// Steps the login machine itself, without running anything: every step reports which of the
// machine's own transitions were taken (named by their place in the definition), which state
// nodes were entered on the way, and which platform actions the client would have run. The
// test model is this machine plus its environment, never a copy of the chart: the shipped
// machine, or a variant of it with a bug planted, to prove that the model's checks can fail.

import { createEmptyActor } from 'xstate';
import type { AnyActorScope, AnyStateNode, AnyTransitionDefinition, SnapshotFrom } from 'xstate';
import type { LoginContext, LoginEvent, LoginInput } from '../../machines/index.js';
import { loginMachine } from '../../machines/login-machine.js';

export type LoginSnapshot = SnapshotFrom<typeof loginMachine>;
/** The shipped machine or a variant of it (`loginMachine.provide(...)`, an edited chart). */
export type LoginLogic = typeof loginMachine;

/** An invoke's completion or failure, or a delay running out: events the machine gets from its actors. */
export type ActorEvent =
  | { type: `xstate.done.actor.${string}`; output: unknown; actorId: string }
  | { type: `xstate.error.actor.${string}`; error: unknown; actorId: string }
  | { type: `xstate.after.${string}` };

export type MachineEvent = LoginEvent | ActorEvent;

/** A platform action (a stub the client provides) as the machine asked for it. */
export interface PlatformEffect {
  action: string;
  context: LoginContext;
  event: MachineEvent;
}

export interface MachineStep {
  snapshot: LoginSnapshot;
  /** Transition keys, in the order taken (see transitionKey). */
  taken: string[];
  /** Ids of every state node active after any microstep (transient ones included). */
  entered: string[];
  effects: PlatformEffect[];
}

/** What a transition is, whatever object carries it. */
function shape(transition: AnyTransitionDefinition): string {
  const { guard, actions, target, description } = transition as AnyTransitionDefinition & { description?: string };
  return JSON.stringify([
    typeof guard === 'string' ? guard : (guard as { type?: string } | undefined)?.type ?? null,
    actions.map((action) => (typeof action === 'string' ? action : (action as { type?: string }).type ?? 'inline')),
    target?.map((node) => node.id) ?? null,
    description ?? null,
  ]);
}

/** `login.session|LOGIN_GONE|1`: source node, event (`always` for eventless), place among its siblings. */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const source = transition.source;
  const siblings = transition.eventType === '' ? source.always ?? [] : source.transitions.get(transition.eventType) ?? [];
  let index = siblings.indexOf(transition);
  // The SDK's running machine may hand out equal transition objects that are not the listed ones.
  if (index < 0) index = siblings.map(shape).indexOf(shape(transition));
  return `${source.id}|${transition.eventType || 'always'}|${index}`;
}

/** Ids of the state nodes a state value names, outermost first. */
export function activeNodeIds(value: unknown, node: AnyStateNode = loginMachine.root): string[] {
  if (typeof value === 'string') {
    const child = node.states[value];
    return child ? [child.id] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const ids: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const child = node.states[key];
    if (!child) continue;
    ids.push(child.id, ...activeNodeIds(inner, child));
  }
  return ids;
}

interface Microstep {
  type: string;
  snapshot: LoginSnapshot;
  _transitions: AnyTransitionDefinition[];
}

// One scope for every model step: the actor behind it never starts, so invokes are created but
// not run, delays are never scheduled, and actions reach `actionExecutor` only to be recorded.
const recorder = { microsteps: [] as Microstep[], effects: [] as PlatformEffect[] };
const host = createEmptyActor();
host.system.inspect((event) => {
  if (event.type === '@xstate.microstep') recorder.microsteps.push(event as unknown as Microstep);
});
const scope = {
  self: host,
  system: host.system,
  id: 'model',
  sessionId: 'model',
  logger: () => undefined,
  defer: () => undefined,
  stopChild: () => undefined,
  emit: () => undefined,
  actionExecutor: (action: { type: string; info: { context: LoginContext; event: MachineEvent } }) => {
    if (!action.type.startsWith('xstate.')) {
      recorder.effects.push({ action: action.type, context: action.info.context, event: action.info.event });
    }
  },
} as unknown as AnyActorScope;

function record<T>(run: () => T): { result: T; microsteps: Microstep[]; effects: PlatformEffect[] } {
  recorder.microsteps = [];
  recorder.effects = [];
  const result = run();
  return { result, microsteps: recorder.microsteps, effects: recorder.effects };
}

export function initialMachineSnapshot(input: LoginInput, machine: LoginLogic = loginMachine): LoginSnapshot {
  return record(() => machine.getInitialSnapshot(scope, input)).result;
}

/** Steps the machine the snapshot belongs to (the shipped one or a variant). */
export function stepMachine(snapshot: LoginSnapshot, event: MachineEvent): MachineStep {
  const machine = snapshot.machine as unknown as LoginLogic;
  const { result, microsteps, effects } = record(() => machine.transition(snapshot, event as LoginEvent, scope));
  return {
    snapshot: result,
    taken: microsteps.flatMap((step) => step._transitions.map(transitionKey)),
    entered: [...new Set(microsteps.flatMap((step) => activeNodeIds(step.snapshot.value, machine.root)))],
    effects,
  };
}

/** Invoke ids running in this snapshot (their completion is the next thing the platform does). */
export function activeInvokes(snapshot: LoginSnapshot): string[] {
  return Object.keys(snapshot.children);
}
