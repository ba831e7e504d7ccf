// Plays a scenario through the real login machine, with the platform actors replaced by
// stubs that never answer on their own: each step delivers the answer (a done or error
// event) itself, so a run is synchronous and the same every time. What was taken is read
// from XState's inspection stream (`@xstate.microstep` carries the transitions).

import { createActor, fromCallback, SimulatedClock } from 'xstate';
import type { AnyActorRef, AnyEventObject, InspectionEvent, Snapshot, StateValue } from 'xstate';
import { loginMachine } from '../../machines/index.js';
import type { LoginEvent, LoginFailure, LoginSettings } from '../../machines/index.js';
import type { Chart, ChartEdge } from './chart.js';
import { edgeKey, edgeLabel } from './chart.js';

export type Step = (
  | { send: LoginEvent }
  /** The invoked actor with this id finishes with `output`. */
  | { done: string; output?: unknown }
  /** The invoked actor with this id fails with a typed failure. */
  | { fail: string; error: Pick<LoginFailure, 'reason' | 'code'> & Partial<LoginFailure> }
  /** Time passes on the machine's clock (delays, not the token clock). */
  | { wait: number }
) & { note?: string };

export interface Variant {
  title: string;
  settings?: Partial<LoginSettings>;
  /** Steps that bring the app to where the variant starts: played, not drawn. */
  given?: Step[];
  /** After `given`, the app is closed and opened again from its persisted snapshot. */
  relaunch?: boolean;
  steps: Step[];
  /** The state (dotted path) the variant must end in: generation fails if the machine disagrees. */
  ends: string;
}

export interface Scenario {
  id: string;
  title: string;
  summary: string;
  variants: Variant[];
}

export interface Microstep {
  /** The drawn edge taken; null when nothing accepted the event (it was ignored). */
  edge: ChartEdge | null;
  from: string;
  to: string;
}

export interface StepRecord {
  n: number;
  label: string;
  note: string | null;
  microsteps: Microstep[];
  /** Platform effects the machine asked for (actors started, named platform actions). */
  effects: string[];
  state: string;
}

export interface VariantRun {
  variant: Variant;
  start: string;
  steps: StepRecord[];
  end: string;
}

/** `{ session: 'signedIn' }` → `session.signedIn` (the chart has no parallel states). */
export function leafPath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? [];
  if (key === undefined) return '';
  return child === undefined || (typeof child === 'object' && Object.keys(child).length === 0)
    ? key
    : `${key}.${leafPath(child as StateValue)}`;
}

const never = fromCallback(() => undefined);

function stepLabel(step: Step): string {
  if ('done' in step) return `${step.done} done`;
  if ('fail' in step) return `${step.fail} fails: ${step.error.reason} (${step.error.code})`;
  if ('wait' in step) return `${step.wait} ms pass`;
  const event = step.send;
  switch (event.type) {
    case 'LAUNCH': {
      const query = Object.entries(event.query).map(([k, v]) => `${k}=${v}`).join('&');
      return `LAUNCH ${event.path}${query ? `?${query}` : ''}`;
    }
    case 'QUEUE_REQUEST':
      return `QUEUE_REQUEST ${event.requestId}`;
    case 'LOGIN_GONE':
      return `LOGIN_GONE ${event.requestId}${event.replayed ? ' (replayed)' : ''}`;
    case 'CONSENT':
      return `CONSENT (${event.draft.kind})`;
    default:
      return event.type;
  }
}

function toEvent(step: Step): AnyEventObject | null {
  if ('send' in step) return step.send;
  if ('done' in step) return { type: `xstate.done.actor.${step.done}`, output: step.output };
  if ('fail' in step) return { type: `xstate.error.actor.${step.fail}`, error: { message: step.error.code, ...step.error } };
  return null;
}

export function runVariant(chart: Chart, scenarioId: string, variant: Variant): VariantRun {
  const machine = loginMachine.provide({
    actors: { wxLogin: never, exchangeCode: never, submitConsent: never, bindPhone: never, revokeSessions: never } as never,
  });
  const clock = new SimulatedClock();
  let current: AnyActorRef | null = null;
  let recording: { microsteps: Microstep[]; effects: string[] } | null = null;
  let at = '';

  const inspect = (event: InspectionEvent) => {
    if (!recording || event.actorRef !== current) return;
    if (event.type === '@xstate.microstep') {
      const to = leafPath((event.snapshot as unknown as { value: StateValue }).value);
      const taken = event._transitions.map((transition) => {
        const edge = chart.edgeByKey.get(edgeKey(transition));
        if (!edge) throw new Error(`${scenarioId}: a transition the chart does not know: ${edgeKey(transition)}`);
        return edge;
      });
      if (taken.length === 0) recording.microsteps.push({ edge: null, from: at, to });
      for (const edge of taken) recording.microsteps.push({ edge, from: at, to });
      at = to;
    } else if (event.type === '@xstate.action') {
      const { type, params } = event.action;
      if (type === 'xstate.spawnChild') {
        const { id, src } = params as { id: string; src: string };
        recording.effects.push(id === src ? `starts ${src}` : `starts ${src} (${id})`);
      }
      else if (!type.startsWith('xstate.')) recording.effects.push(type);
    }
  };

  const start = (snapshot?: Snapshot<unknown>) => {
    const actor = createActor(machine, {
      input: { settings: variant.settings ?? {} }, clock, inspect, ...(snapshot ? { snapshot } : {}),
    });
    current = actor;
    actor.start();
    return actor;
  };

  const play = (actor: ReturnType<typeof start>, step: Step, n: number): StepRecord => {
    at = leafPath(actor.getSnapshot().value);
    const where = `${scenarioId} / ${variant.title} / step ${n} (${stepLabel(step)}) in ${at}`;
    if (('done' in step || 'fail' in step)) {
      const id = 'done' in step ? step.done : step.fail;
      if (!(id in actor.getSnapshot().children)) throw new Error(`${where}: ${id} is not running`);
    }
    recording = { microsteps: [], effects: [] };
    const event = toEvent(step);
    if (event) actor.send(event as LoginEvent);
    else clock.increment((step as { wait: number }).wait);
    const { microsteps, effects } = recording;
    recording = null;
    if (microsteps.length === 0) throw new Error(`${where}: nothing happened`);
    return { n, label: stepLabel(step), note: step.note ?? null, microsteps, effects, state: leafPath(actor.getSnapshot().value) };
  };

  let actor = start();
  (variant.given ?? []).forEach((step, i) => play(actor, step, -(i + 1)));
  if (variant.relaunch) {
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as Snapshot<unknown>;
    actor.stop();
    actor = start(persisted);
  }
  const startState = leafPath(actor.getSnapshot().value);
  const steps = variant.steps.map((step, i) => play(actor, step, i + 1));
  const end = leafPath(actor.getSnapshot().value);
  actor.stop();
  if (end !== variant.ends) {
    throw new Error(`${scenarioId} / ${variant.title}: ends in ${end}, expected ${variant.ends}`);
  }
  return { variant, start: startState, steps, end };
}

/** One line per microstep: `idle → booting (LAUNCH)`. */
export function describeMicrostep(step: Microstep): string {
  if (!step.edge) return `ignored in ${step.from}`;
  if (step.from === step.to) return `stays in ${step.to} (${edgeLabel(step.edge)})`;
  return `${step.from} → ${step.to} (${edgeLabel(step.edge)})`;
}
