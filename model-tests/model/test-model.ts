// The test model: the login machine (the shipped one, or a variant with a bug planted), stepped
// as it is, inside a model of its world. Each model event becomes the machine events the client
// would send (or none), and the platform actions the machine asks for are applied to the world.

import type { ConsentDraft } from '../../machines/index.js';
import type { ModelEvent } from './alphabet.js';
import { describeEvent, IGNORED_TAPS, isAtRest } from './alphabet.js';
import type { Pause } from './alphabet.js';
import { checkContextBounds } from './bounds.js';
import type { AppConfig, Env, GatedCall } from './environment.js';
import {
  applyEffect, initialEnv, isAlive, pauseMs, LOGIN_PAGE_ENTRY, PRIVACY_GAP_MS, privacyAgreed, settingsFor, SHARED_PAGE,
  tokenLabel, tokenNumber, tokenVerdict,
} from './environment.js';
import { elapsed } from '../properties/trace.js';
import { timerDelays } from './expectations.js';
import type { LoginEvent } from '../../machines/index.js';
import { loginMachine } from '../../machines/login-machine.js';
import { invokeCall } from './calls.js';
import type { LoginLogic, LoginSnapshot, MachineEvent } from './machine-step.js';
import { initialMachineSnapshot, stepMachine } from './machine-step.js';
import { endInvoke } from './outcomes.js';

/** What one step did: transitions taken, nodes entered, platform actions run (and those that had an effect), extra goals. */
export interface StepRecord {
  taken: string[];
  entered: string[];
  ran: string[];
  actions: string[];
  goals: string[];
}

export interface ModelState {
  /** The machine under test: what INSTALL starts. */
  logic: LoginLogic;
  config: AppConfig | null;
  machine: LoginSnapshot | null;
  env: Env;
  last: StepRecord;
}

export const nothing = (): StepRecord => ({ taken: [], entered: [], ran: [], actions: [], goals: [] });

export function initialModelState(logic: LoginLogic = loginMachine): ModelState {
  return { logic, config: null, machine: null, env: initialEnv(), last: nothing() };
}

/** `session.signedIn`: the dotted form pages see in `auth.getView().state`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as object)[0] ?? ['', ''];
  return `${key}.${statePath(inner)}`;
}

export function storedDescription(snapshot: LoginSnapshot): string {
  return `${statePath(snapshot.value)} ${snapshot.context.token ?? 'no token'}`;
}

const pageOf = (name: 'share' | 'login') => (name === 'share' ? SHARED_PAGE : LOGIN_PAGE_ENTRY);

const DRAFTS: Record<'profile' | 'wechat', ConsentDraft> = {
  profile: { kind: 'profile', nickname: 'Ada', avatarUrl: 'http://tmp/avatar.jpeg' },
  wechat: { kind: 'wechat', encryptedData: 'sealed', iv: 'iv', signature: 'sig', rawData: '{}' },
};

class Step {
  readonly record = nothing();
  constructor(public machine: LoginSnapshot, readonly env: Env) {}

  /** One event into the machine, with what the client does around it (persist, run waiters). */
  feed(event: MachineEvent): void {
    const before = this.machine;
    const step = stepMachine(before, event);
    this.machine = step.snapshot;
    this.leaveBehind(before, event);
    this.record.taken.push(...step.taken);
    this.record.entered.push(...step.entered);
    for (const effect of step.effects) {
      this.record.ran.push(effect.action);
      const action = applyEffect(this.env, effect);
      if (action) this.record.actions.push(action);
    }
    if (isAtRest(this.machine)) this.env.stored = storedDescription(this.machine);
    this.runWaiters();
  }

  /**
   * An invoke the machine stopped (it left the state, or entered it again) before its call was
   * answered: the call stays on the network, where nothing waits for it.
   */
  leaveBehind(before: LoginSnapshot, event: MachineEvent): void {
    for (const [id, child] of Object.entries(before.children)) {
      const ended = event.type === `xstate.done.actor.${id}` || event.type === `xstate.error.actor.${id}`;
      if (!ended && this.machine.children[id as never] !== child) this.env.orphans.push(invokeCall(id, before));
    }
  }

  /** The client runs `whenSignedIn` callbacks on the first signed-in snapshot (or at once). */
  runWaiters(): void {
    if (!this.machine.hasTag('signedIn')) return;
    this.env.invitesAccepted += this.env.waiters;
    this.env.waiters = 0;
  }

  launch(config: AppConfig, page: 'share' | 'login'): void {
    const { route, options } = pageOf(page);
    this.env.pages = [pageOf(page)];
    this.feed({ type: 'LAUNCH', path: route, query: { ...options }, now: this.env.now });
    // The shared page defers its work until signed in (component mode: it is the page shown).
    if (config.mode === 'component' && page === 'share') {
      this.env.waiters += 1;
      this.runWaiters();
    }
  }

  pass(after: Pause): void {
    this.env.now += pauseMs(this.env, after);
    if (after === 'week') this.env.expiredUpTo = this.env.issued;
  }

  request(): void {
    const id = `r${this.env.nextRequest}`;
    this.env.nextRequest += 1;
    // The client's request broker: signed out the request goes out without a token; otherwise
    // the machine decides (send it with the token, queue it, or reject it).
    if (this.machine.matches('signedOut')) {
      this.env.requests.push({ id, state: 'inflight', token: null, replayed: false });
    } else {
      this.env.requests.push({ id, state: 'queued', token: null, replayed: false });
      this.feed({ type: 'QUEUE_REQUEST', requestId: id });
    }
  }

  /** The held gated call the agree tap let go: its dialog follows (allowed), and what it gives comes to the SDK. */
  releaseGated(): void {
    const released = this.env.released;
    this.env.released = null;
    if (released === 'phone') this.feed({ type: 'BIND_PHONE', code: 'phone-code' });
    if (released === 'profileDialog') this.consent('wechat');
  }

  consent(kind: 'profile' | 'wechat'): void {
    const keyAtTap = this.env.wechatKey; // the dialog's payload is sealed with WeChat's key of that moment
    this.feed({ type: 'CONSENT', draft: DRAFTS[kind] });
    if (this.record.taken.length > 0) this.env.payloadKey = keyAtTap;
  }

  /**
   * A tap on a privacy-gated control (the phone button, the avatar, WeChat's profile dialog):
   * WeChat's gate first. `then` is what the tap does once the gate lets it through.
   */
  gated(config: AppConfig, call: GatedCall, refuseWechatPopup: boolean, then: () => void): void {
    const { env } = this;
    const scope = call === 'phone' ? 'phone' : 'profile';
    const api = { phone: 'getPhoneNumber', avatar: 'chooseAvatar', profileDialog: 'getUserProfile' }[call];
    const fail = (failure: 'refused' | 'inGap' | 'undeclared', errMsg: string, errno?: number) =>
      this.feed({ type: 'PRIVACY_FAILED', scope, failure, errMsg: `${api}:fail ${errMsg}`, ...(errno ? { errno } : {}) } as LoginEvent);
    if (!(scope === 'phone' ? env.phoneDeclared : env.profileDeclared)) {
      fail('undeclared', 'api scope is not declared in the privacy agreement', 112);
      return;
    }
    if (privacyAgreed(env)) {
      then();
      return;
    }
    if (config.privacy === 'popup') {
      // WeChat holds the call and asks the SDK's listener; the popup's answer decides.
      env.pendingGated = call;
      this.feed({ type: 'PRIVACY_NEEDED', referrer: call === 'profileDialog' ? api : `button.${api}` });
      return;
    }
    if (env.phoneClock < env.gapUntil) {
      fail('inGap', 'privacy permission is not authorized in gap');
      return;
    }
    if (refuseWechatPopup) {
      env.gapUntil = env.phoneClock + PRIVACY_GAP_MS;
      fail('refused', 'privacy permission is not authorized', 104);
      return;
    }
    env.agreedGuide = env.guide; // WeChat's own popup, agreed
    then();
  }

  /** The server answers the page request in flight (the oldest, if several). */
  answer(): void {
    const request = this.env.requests.find((candidate) => candidate.state === 'inflight');
    if (!request) throw new Error('model: no page request is in flight');
    const { id } = request;
    const verdict = request.token === null ? 'noToken' : tokenVerdict(this.env, request.token);
    if (verdict === 'noToken' || verdict === 'accepted') {
      request.state = 'resolved';
      request.outcome = verdict === 'accepted' ? '200' : '401';
      const { context } = this.machine;
      if (request.token !== null && tokenLabel(request.token) === context.token && context.relogins > 0) {
        this.feed({ type: 'TOKEN_ACCEPTED' });
      }
      return;
    }
    const replayed = request.replayed;
    request.replayed = true;
    request.state = 'goneAnswered';
    this.feed({ type: 'LOGIN_GONE', requestId: id, token: tokenLabel(request.token ?? 0), replayed });
  }

  /**
   * Requests the machine now holds are queued. A "gone" answer the machine neither queued,
   * replayed nor rejected leaves the page waiting for nothing: the requirements say so.
   */
  finish(): void {
    for (const request of this.env.requests) {
      if (isAlive(request) && this.machine.context.pendingRequests.includes(request.id)) request.state = 'queued';
      if (request.state === 'goneAnswered') request.state = 'queued';
    }
    this.record.entered = [...new Set(this.record.entered)];
  }
}

function copyEnv(env: Env): Env {
  return {
    ...env,
    released: null,
    requests: env.requests.map((request) => ({ ...request })),
    pages: env.pages.map((page) => ({ route: page.route, options: { ...page.options } })),
    navigations: [...env.navigations],
    orphans: [...env.orphans],
    serverEvents: [...env.serverEvents],
  };
}

/** A new app process on the phone: nothing in flight, no page yet, nothing navigated. */
const newProcess = (): Partial<Env> => ({ requests: [], nextRequest: 1, waiters: 0, loading: false, navigations: [], orphans: [] });

export function modelStep(state: ModelState, event: ModelEvent): ModelState {
  const { logic } = state;
  if (event.type === 'INSTALL') {
    const config: AppConfig = { mode: event.mode, profile: event.profile, privacy: event.privacy ?? 'wechat', ...(event.focus ? { focus: event.focus } : {}) };
    return { logic, config, machine: initialMachineSnapshot({ settings: settingsFor(config) }, logic), env: initialEnv(), last: nothing() };
  }
  const { config, machine } = state;
  if (!config || !machine) throw new Error(`model: "${event.type}" before the app is installed`);
  const step = new Step(event.type === 'REINSTALL' ? initialMachineSnapshot({ settings: settingsFor(config) }, logic) : machine, copyEnv(state.env));
  const { env } = step;
  // The phone's clock moves as the trace counts it: a second per tap, a timer's delay, a pause.
  env.phoneClock += elapsed(event, timerDelays(machine));
  switch (event.type) {
    case 'LAUNCH':
      step.launch(config, event.page);
      break;
    case 'RELAUNCH':
      // A new app process restores the stored (resting) snapshot: the same state, nothing in flight.
      step.pass(event.after);
      Object.assign(env, newProcess());
      step.launch(config, event.page);
      break;
    case 'REINSTALL':
      // A new phone, or the app deleted and installed again: storage is empty, the server remembers.
      step.pass('minute');
      Object.assign(env, newProcess(), { stored: null });
      step.launch(config, event.page);
      break;
    case 'LOGIN':
    case 'RETRY':
    case 'LOGOUT':
    case 'LOGOUT_EVERYWHERE':
    case 'ERASE':
    case 'DENY':
    case 'PRIVACY_CHECK':
    case 'PRIVACY_REFUSE':
    case 'HIDE':
      step.feed({ type: event.type });
      break;
    case 'PRIVACY_AGREE':
      env.agreedGuide = env.guide; // the agree button's tap itself agrees, whatever the app does with it
      step.feed({ type: 'PRIVACY_AGREE', buttonId: 'agree' });
      step.releaseGated();
      break;
    case 'CONSENT':
      step.gated(config, event.kind === 'wechat' ? 'profileDialog' : 'avatar', event.wechatPopup === 'refuse', () => step.consent(event.kind));
      break;
    case 'BIND_PHONE':
      step.gated(config, 'phone', event.wechatPopup === 'refuse', () => step.feed({ type: 'BIND_PHONE', code: 'phone-code' }));
      break;
    case 'GUIDE_UPDATED':
      env.guide += 1;
      break;
    case 'UNDECLARED':
      if (event.scope === 'phone') env.phoneDeclared = false;
      else env.profileDeclared = false;
      break;
    case 'SHOW':
      step.pass(event.after);
      step.feed({ type: 'SHOW', now: env.now });
      break;
    case 'REQUEST':
      step.request();
      break;
    case 'ANSWER':
      step.answer();
      break;
    case 'REVOKE_ELSEWHERE':
      // The other phone logs in (the server keeps WeChat's current key), then revokes every token.
      env.serverEvents.push('UserLoggedIn', 'SessionsRevoked');
      env.serverKey = env.wechatKey;
      env.revokedUpTo = env.issued;
      break;
    case 'ERASED':
      // The person erases their data from another phone (which logs in first): every token is refused,
      // and the next login registers an empty account.
      env.serverEvents.push('UserLoggedIn', 'UserErased');
      env.serverKey = env.wechatKey;
      env.revokedUpTo = env.issued;
      Object.assign(env, { registered: false, profile: false, phone: false });
      break;
    case 'KEY_RENEWED':
      env.wechatKey += 1;
      break;
    case 'END':
      step.feed(endInvoke(event.invoke, event.ending, env, step.machine));
      break;
    case 'TIMER':
      step.feed({ type: event.eventType as `xstate.after.${string}` });
      break;
  }
  step.finish();
  const snapshot = step.machine;
  const tap = IGNORED_TAPS.find((candidate) => JSON.stringify(candidate.event) === JSON.stringify(event));
  const unchanged = JSON.stringify(snapshot.value) === JSON.stringify(machine.value);
  if (tap && step.record.taken.length === 0 && unchanged) step.record.goals.push(tap.goal);
  const next = { logic, config, machine: snapshot, env, last: step.record };
  checkContextBounds(next, describeEvent(event));
  return next;
}
