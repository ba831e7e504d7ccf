// What the model says a person and the server should see after a step.

import { loginMachine } from '../../machines/login-machine.js';
import type { Scene } from '../scene.js';
import { describeContext, describeFlags, describePage, describeTransitions } from '../scene.js';
import type { Env } from './environment.js';
import { isAlive } from './environment.js';
import type { LoginSnapshot } from './machine-step.js';
import { activeNodeIds } from './machine-step.js';
import type { ModelState } from './test-model.js';
import { statePath } from './test-model.js';

const label = (token: string | null) => token ?? 'no token';

/** The platform call each running invoke is waiting on. */
function invokeCall(invoke: string, snapshot: LoginSnapshot): string {
  const token = `(${label(snapshot.context.token)})`;
  switch (invoke) {
    case 'wxLogin':
    case 'consentCode':
      return 'wx.login';
    case 'exchangeCode':
      return 'POST /wx/login (no token)';
    case 'submitConsent':
      return snapshot.context.consent?.kind === 'wechat' ? `POST /me/profile/wechat ${token}` : `PUT /me/profile ${token}`;
    case 'resendConsent':
      return `POST /me/profile/wechat ${token}`;
    case 'bindPhone':
      return `POST /me/phone ${token}`;
    case 'revokeSessions':
      return `POST /auth/logout-all ${token}`;
    default:
      throw new Error(`the model does not know which call invoke "${invoke}" makes`);
  }
}

function waiting(snapshot: LoginSnapshot, env: Env): string[] {
  const calls = Object.keys(snapshot.children).map((invoke) => invokeCall(invoke, snapshot));
  for (const request of env.requests) {
    if (request.state === 'inflight') calls.push(`GET /me?req=${request.id} (${label(request.token === null ? null : `t${request.token}`)})`);
  }
  return calls.sort();
}

/** Delays of the timers the active states set; a rate-limit wait lasts as long as the server said. */
function timers(snapshot: LoginSnapshot, retryAfterSeconds: number | undefined): string[] {
  const delays = loginMachine.implementations.delays as Record<string, (args: unknown) => number>;
  const { context } = snapshot;
  const error = context.error && retryAfterSeconds !== undefined ? { ...context.error, retryAfterSeconds } : context.error;
  return activeNodeIds(snapshot.value).flatMap((id) =>
    loginMachine.getStateNodeById(id).after.map((after) => `${delays[String(after.delay)]!({ context: { ...context, error } })}ms`));
}

function requests(env: Env): string[] {
  return env.requests.map((request) => {
    if (isAlive(request)) return `${request.id} pending`;
    return request.state === 'rejected' ? `${request.id} rejected ${request.outcome}` : `${request.id} ${request.outcome}`;
  });
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
    }),
    context: describeContext(snapshot.context, label),
    transitions: describeTransitions(state.last.taken),
    actions: state.last.ran,
    stored: env.stored ?? 'nothing',
    pages: env.pages.map(describePage),
    toasts: env.toasts,
    loading: env.loading,
    waiting: waiting(snapshot, env),
    timers: timers(snapshot, retryAfterSeconds),
    requests: requests(env),
    serverEvents: env.serverEvents,
    invitesAccepted: env.invitesAccepted,
  };
}
