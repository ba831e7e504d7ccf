// What the model says a person and the server should see after a step.

import type { Scene } from '../scene.js';
import { describeContext, describeFlags, describePage, describeTransitions } from '../scene.js';
import type { Env } from './environment.js';
import { isAlive } from './environment.js';
import type { LoginLogic, LoginSnapshot } from './machine-step.js';
import { activeNodeIds } from './machine-step.js';
import { invokeCall, tokenText } from './calls.js';
import type { ModelState } from './test-model.js';
import { statePath } from './test-model.js';

/** The calls on the network: each running invoke's, page requests in flight, and calls a stopped invoke left behind. */
function waiting(snapshot: LoginSnapshot, env: Env): string[] {
  const calls = Object.keys(snapshot.children).map((invoke) => invokeCall(invoke, snapshot));
  for (const request of env.requests) {
    if (request.state === 'inflight') calls.push(`GET /me?req=${request.id} (${tokenText(request.token === null ? null : `t${request.token}`)})`);
  }
  return [...calls, ...env.orphans].sort();
}

/** Delays of the timers the active states set; a rate-limit wait lasts as long as the server said. */
function timers(snapshot: LoginSnapshot, retryAfterSeconds: number | undefined): string[] {
  const machine = snapshot.machine as unknown as LoginLogic;
  const delays = machine.implementations.delays as Record<string, (args: unknown) => number>;
  const { context } = snapshot;
  const error = context.error && retryAfterSeconds !== undefined ? { ...context.error, retryAfterSeconds } : context.error;
  return activeNodeIds(snapshot.value, machine.root).flatMap((id) =>
    machine.getStateNodeById(id).after.map((after) => `${delays[String(after.delay)]!({ context: { ...context, error } })}ms`));
}

function requests(env: Env): string[] {
  return env.requests.map((request) => {
    if (isAlive(request)) return `${request.id} pending`;
    return request.state === 'rejected' ? `${request.id} rejected ${request.outcome}` : `${request.id} ${request.outcome}`;
  });
}

/** The delays (ms) of the timers the active states set, in the chart's order: what the phone's clock waits for. */
export function timerDelays(snapshot: LoginSnapshot | null): number[] {
  if (!snapshot) return [];
  return timers(snapshot, undefined).map((text) => Number.parseInt(text, 10));
}

/** `retryAfterSeconds`: what the server asked the phone to wait, which the model leaves to it. */
export function expectedScene(state: ModelState, retryAfterSeconds?: number): Scene {
  const { machine: snapshot, env } = state;
  if (!snapshot) throw new Error('nothing to expect before the app is installed');
  return {
    state: statePath(snapshot.value),
    shows: describeFlags({
      signedIn: snapshot.hasTag('signedIn'),
      busy: snapshot.hasTag('busy'),
      needsConsent: snapshot.hasTag('needsConsent'),
      failed: snapshot.hasTag('failed'),
      signedOut: snapshot.matches('signedOut'),
      privacyPopup: snapshot.hasTag('privacyPopup'),
    }),
    context: describeContext(snapshot.context, tokenText),
    transitions: describeTransitions(state.last.taken),
    actions: state.last.ran,
    stored: env.stored ?? 'nothing',
    pages: env.pages.map(describePage),
    navigations: env.navigations,
    toasts: env.toasts,
    loading: env.loading,
    waiting: waiting(snapshot, env),
    timers: timers(snapshot, retryAfterSeconds),
    requests: requests(env),
    serverEvents: env.serverEvents,
    invitesAccepted: env.invitesAccepted,
    reports: env.reports,
  };
}
