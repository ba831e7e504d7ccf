// A copy of the login chart with one edit, built with the same named guards, actions and
// actors: how a bug is planted in the machine's structure (a dropped action, another target,
// a missing transition) without touching the shipped file.

import { loginMachine } from '../../machines/login-machine.js';
import { loginSetup } from '../../machines/login-setup.js';
import type { LoginLogic } from '../model/machine-step.js';

type Json = Record<string, unknown>;

/** A deep copy of plain objects and arrays; functions (context, inputs) are shared. */
function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copy(inner)])) as T;
}

/** The config node at a dotted path (`states.session.states.signedIn`), created if missing. */
export function at(config: Json, path: string): Json {
  return path.split('.').reduce<Json>((node, key) => (node[key] ??= {}) as Json, config);
}

/** The chart with `edit` applied to a copy of its config. */
export function editChart(edit: (config: Json) => void): LoginLogic {
  const config = copy(loginMachine.config) as unknown as Json;
  edit(config);
  return loginSetup.createMachine(config as never) as unknown as LoginLogic;
}
