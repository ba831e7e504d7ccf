// What "covered" means, read from the machine's own definition: every state node, every
// transition (each guarded alternative on its own, eventless `always`, invoke done/error,
// delayed `after`), and every platform action the machine leaves to the client.

import type { AnyStateNode } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import { loginMachine } from '../../machines/login-machine.js';
import { transitionKey } from './machine-step.js';
import type { LoginLogic } from './machine-step.js';

export interface MachineGoals {
  states: string[];
  transitions: string[];
  /** The stubs in `setup({ actions })` that the client supplies: each must run with something to do. */
  platformActions: string[];
}

function allNodes(machine: LoginLogic = loginMachine): AnyStateNode[] {
  return [machine.root, ...getStateNodes(machine.root)];
}

export function machineGoals(machine: LoginLogic = loginMachine): MachineGoals {
  const transitions: string[] = [];
  for (const node of allNodes(machine)) {
    for (const list of node.transitions.values()) transitions.push(...list.map(transitionKey));
    transitions.push(...(node.always ?? []).map(transitionKey));
  }
  // Built-in actions (assign, enqueueActions) carry a `resolve`; the platform stubs are plain functions.
  const actions = machine.implementations.actions as Record<string, unknown>;
  const platformActions = Object.keys(actions).filter((name) => {
    const action = actions[name];
    return typeof action === 'function' && !('resolve' in action);
  });
  return { states: getStateNodes(machine.root).map((node) => node.id), transitions, platformActions };
}

/** The invoke ids and delay names of the chart: each needs a way to happen for real. */
export function machineActorsAndDelays(): { invokes: string[]; delays: string[] } {
  const invokes = new Set<string>();
  const delays = new Set<string>();
  for (const node of allNodes()) {
    for (const invoke of node.invoke) invokes.add(invoke.id);
    for (const after of node.after) delays.add(String(after.delay));
  }
  return { invokes: [...invokes].sort(), delays: [...delays].sort() };
}

/** `login.session|LOGIN_GONE|1` as a person reads it: `session: LOGIN_GONE #2 → failed`. */
export function describeTransition(key: string): string {
  const [source = '', event = '', index = '0'] = key.split('|');
  const node = allNodes().find((candidate) => candidate.id === source);
  const list = event === 'always' ? node?.always : node?.transitions.get(event);
  const transition = list?.[Number(index)];
  const targets = transition?.target?.map((target) => target.id.replace(/^login\./, '')).join(', ') || '(stays)';
  const shortEvent = event.replace(/^xstate\.(done|error)\.actor\./, '$1:').replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1');
  const guard = transition?.guard ? ` [${String((transition.guard as { type?: string }).type ?? 'guard')}]` : '';
  return `${source.replace(/^login\.?/, '') || '(root)'}: ${shortEvent}${guard} → ${targets}`;
}
