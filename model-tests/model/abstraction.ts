// What the walk of the test model sees: its states, abstracted, and the model as actor logic
// that xstate/graph can traverse.

import { fromTransition } from 'xstate';
import { hasProfile } from '../../machines/index.js';
import type { ModelEvent } from './alphabet.js';
import { contextCounts } from './bounds.js';
import { isAlive, privacyAgreed, tokenNumber, tokenVerdict } from './environment.js';
import { quietForTheGate } from './alphabet.js';
import { loginMachine } from '../../machines/login-machine.js';
import type { LoginLogic } from './machine-step.js';
import type { ModelState } from './test-model.js';
import { initialModelState, modelStep } from './test-model.js';

/**
 * What tells two model states apart for the walk. Coarse on purpose: merging states only
 * prunes the walk (every path is still replayed exactly), and the coverage check says if too
 * much was pruned. Kept: what guards and the world's answers depend on.
 */
export function abstractState(state: ModelState): string {
  const { config, machine: snapshot, env } = state;
  if (!config || !snapshot) return 'not installed';
  const { context } = snapshot;
  const current = tokenNumber(context.token);
  const verdict = (n: number | null) => (n === null ? null : tokenVerdict(env, n));
  const accepted = (n: number | null) => (n === null ? null : verdict(n) === 'accepted');
  const consenting = snapshot.matches({ session: 'submittingConsent' });
  return JSON.stringify([
    // Every count of the context (retries, re-logins, any other): one that grows without bound
    // then makes the walk meet it, and the bounds stop it by name.
    config, snapshot.value, verdict(current), contextCounts(context),
    hasProfile(context.user), env.profile, env.registered, context.deepLink !== null, env.serverKey === env.wechatKey,
    consenting ? [context.consent?.kind, context.consentResent, env.payloadKey === env.serverKey, env.payloadKey === env.wechatKey] : null,
    // The privacy gate: what WeChat knows (agreed, declared, in its gap), what the SDK holds and has learnt.
    [privacyAgreed(env), env.guide, env.phoneDeclared, env.profileDeclared, env.phoneClock < env.gapUntil, env.pendingGated,
      context.privacyRequest, context.privacyAgreed, context.undeclared, context.phoneCode !== null, quietForTheGate(state)],
    env.requests.filter(isAlive).map((request) => [
      request.state, request.token === null ? 'none' : request.token === current ? 'current' : 'older',
      accepted(request.token), request.replayed,
    ]),
  ]);
}

/**
 * The test model as actor logic that xstate/graph can traverse. Steps are remembered per state
 * object, so a second traversal (shortest paths after the adjacency map) costs little.
 */
export function loginTestLogic(machine: LoginLogic = loginMachine) {
  const memo = new WeakMap<ModelState, Map<string, ModelState>>();
  return fromTransition((state: ModelState, event: ModelEvent) => {
    let known = memo.get(state);
    if (!known) memo.set(state, (known = new Map()));
    const key = JSON.stringify(event);
    let next = known.get(key);
    if (!next) known.set(key, (next = modelStep(state, event)));
    return next;
  }, initialModelState(machine));
}
