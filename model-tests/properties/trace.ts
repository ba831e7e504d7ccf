// A run as the person, the phone's network and the server saw it, step by step: the calls that
// went out and came back, the timers set, the pages, toasts and view flags, the page requests'
// fates, the server's events. Built from scenes, so the same trace comes from the model's
// expectations (generated paths, random walks) and from what the real system showed (end-to-end
// runs). Nothing here reads the machine's states or context: the requirements are checked
// against what can be seen, so a wrong machine cannot make them agree with it.

import type { ModelEvent } from '../model/alphabet.js';
import type { AppConfig } from '../model/environment.js';
import { A_MINUTE, A_WEEK } from '../model/environment.js';
import type { Scene } from '../scene.js';

export type CallKind = 'wx.login' | 'exchange' | 'page' | 'api' | 'privacy';

export interface Call {
  text: string;
  kind: CallKind;
  /** The route (`/me/profile`), or `wx.login`. */
  route: string;
  /** The token label it carries (`t2`), null when none. */
  token: string | null;
  /** A page request's id (`r1`). */
  request: string | null;
}

/** How the platform answered the call a step ended: success, a refused login ("gone"), or a fault. */
export type Answer = 'ok' | 'gone' | 'refused' | string;

export interface Flags {
  signedIn: boolean;
  busy: boolean;
  needsConsent: boolean;
  failed: boolean;
  signedOut: boolean;
  /** The app's privacy popup is on screen. */
  privacyPopup: boolean;
}

export interface TraceStep {
  index: number;
  event: ModelEvent;
  /** The person did it: a tap, a launch, coming back from the background. */
  byPerson: boolean;
  /** A new app process started with this step (launch, relaunch, reinstall). */
  launch: boolean;
  /** The phone's clock (ms since the install): timers that fire and pauses move it; a person's action takes a second. */
  clock: number;
  shows: Flags;
  waiting: Call[];
  started: Call[];
  /** The call this step answered, how, and how long the answer asked the phone to wait before trying again. */
  answered: { call: Call; answer: Answer; retryAfterMs?: number } | null;
  /** Timers set after the step, in ms. */
  timers: number[];
  pages: string[];
  navigations: string[];
  toastsShown: number;
  loadingMask: boolean;
  /** The failure the page can explain (AuthView.error, as `reason/CODE`), null when none. */
  explains: string | null;
  stored: string;
  /** Page request id → `pending`, its HTTP status, or `rejected CODE`. */
  requests: Map<string, string>;
  serverEvents: string[];
  deferredRuns: number;
  /** Configuration failures reported to the operator so far (cumulative). */
  reports: number;
}

export interface Trace {
  config: AppConfig;
  steps: TraceStep[];
}

const PERSON_EVENTS = new Set<ModelEvent['type']>([
  'LAUNCH', 'RELAUNCH', 'REINSTALL', 'LOGIN', 'RETRY', 'LOGOUT', 'LOGOUT_EVERYWHERE', 'CONSENT', 'DENY', 'BIND_PHONE', 'SHOW',
  'ERASE', 'PRIVACY_CHECK', 'PRIVACY_AGREE', 'PRIVACY_REFUSE', 'HIDE',
]);
const NEW_PROCESS = new Set<ModelEvent['type']>(['INSTALL', 'LAUNCH', 'RELAUNCH', 'REINSTALL']);

/** A person's taps are at least a second apart; launches and pauses take as long as they say. */
const HUMAN_PACE_MS = 1000;

export function parseCall(text: string): Call {
  if (text === 'wx.login') return { text, kind: 'wx.login', route: 'wx.login', token: null, request: null };
  if (text === 'wx.getPrivacySetting') return { text, kind: 'privacy', route: text, token: null, request: null };
  const match = /^(\S+) (\S+) \((.+)\)$/.exec(text);
  if (!match) throw new Error(`a call the trace cannot read: ${text}`);
  const [, method = '', path = '', label = ''] = match;
  const [route = '', query = ''] = path.split('?');
  const request = /(?:^|&)req=(r\d+)/.exec(query)?.[1] ?? null;
  const kind: CallKind = route === '/wx/login' ? 'exchange' : request ? 'page' : 'api';
  return { text, kind, route: `${method} ${route}`, token: label === 'no token' ? null : label, request };
}

function flags(shows: string): Flags {
  const on = new Set(shows.split(', '));
  return {
    signedIn: on.has('signedIn'), busy: on.has('busy'), needsConsent: on.has('needsConsent'),
    failed: on.has('failed'), signedOut: on.has('signedOut'), privacyPopup: on.has('privacyPopup'),
  };
}

function requestMap(lines: readonly string[]): Map<string, string> {
  return new Map(lines.map((line) => {
    const [id = '', ...rest] = line.split(' ');
    return [id, rest.join(' ')];
  }));
}

/** Calls after the step that were not there before it (less the one it answered). */
function startedCalls(before: readonly string[], after: readonly string[], answered: string | null): string[] {
  const left = [...before];
  if (answered !== null) left.splice(left.indexOf(answered), 1);
  const started: string[] = [];
  for (const call of after) {
    const at = left.indexOf(call);
    if (at >= 0) left.splice(at, 1);
    else started.push(call);
  }
  return started;
}

/** Which waiting call an event ends: an invoke's call, or the oldest page request in flight. */
function answeredCall(event: ModelEvent, waiting: readonly Call[]): Call | null {
  if (event.type === 'ANSWER') {
    const pages = waiting.filter((call) => call.kind === 'page');
    return pages.sort((a, b) => Number(a.request!.slice(1)) - Number(b.request!.slice(1)))[0] ?? null;
  }
  if (event.type !== 'END') return null;
  const wanted: Record<string, (call: Call) => boolean> = {
    wxLogin: (call) => call.kind === 'wx.login',
    consentCode: (call) => call.kind === 'wx.login',
    exchangeCode: (call) => call.kind === 'exchange',
    submitConsent: (call) => call.route === 'PUT /me/profile' || call.route === 'POST /me/profile/wechat',
    resendConsent: (call) => call.route === 'POST /me/profile/wechat',
    bindPhone: (call) => call.route === 'POST /me/phone',
    revokeSessions: (call) => call.route === 'POST /auth/logout-all',
    eraseAccount: (call) => call.route === 'DELETE /me',
    checkPrivacy: (call) => call.kind === 'privacy',
  };
  return waiting.find(wanted[event.invoke] ?? (() => false)) ?? null;
}

function answerOf(event: ModelEvent, call: Call, requests: Map<string, string>): Answer {
  if (event.type === 'END') return event.ending === 'done' ? 'ok' : event.ending;
  const fate = requests.get(call.request ?? '') ?? 'pending';
  if (fate === '200') return 'ok';
  if (/^\d+$/.test(fate)) return 'refused'; // an HTTP error the page gets as it is (no token to renew)
  return 'gone';
}

export function elapsed(event: ModelEvent, timersBefore: readonly number[]): number {
  switch (event.type) {
    case 'TIMER':
      return timersBefore[0] ?? 0;
    case 'RELAUNCH':
    case 'SHOW':
      return event.after === 'week' ? A_WEEK : A_MINUTE;
    case 'REINSTALL':
      return A_MINUTE;
    default:
      return PERSON_EVENTS.has(event.type) ? HUMAN_PACE_MS : 0;
  }
}

export interface SceneStep {
  event: ModelEvent;
  scene: Scene;
  /** The wait (Retry-After) the answer of this step named, if it named one. */
  retryAfterMs?: number;
}

/** The trace of a run: each event with the scene after it. The first event installs the app. */
export function traceOf(steps: readonly SceneStep[]): Trace {
  const install = steps[0]?.event;
  if (install?.type !== 'INSTALL') throw new Error('a trace begins with an install');
  const config: AppConfig = { mode: install.mode, profile: install.profile, privacy: install.privacy ?? 'wechat' };
  const trace: TraceStep[] = [];
  let before: Scene | null = null;
  let clock = 0;
  steps.forEach(({ event, scene, retryAfterMs }, index) => {
    const launch = NEW_PROCESS.has(event.type);
    const waitingBefore = launch || !before ? [] : before.waiting;
    const answered = answeredCall(event, waitingBefore.map(parseCall));
    const requests = requestMap(scene.requests);
    clock += elapsed(event, before ? before.timers.map((timer) => Number.parseInt(timer, 10)) : []);
    trace.push({
      index,
      event,
      byPerson: PERSON_EVENTS.has(event.type),
      launch,
      clock,
      shows: flags(scene.shows),
      waiting: scene.waiting.map(parseCall),
      started: startedCalls(waitingBefore, scene.waiting, answered?.text ?? null).map(parseCall),
      answered: answered ? { call: answered, answer: answerOf(event, answered, requests), ...(retryAfterMs ? { retryAfterMs } : {}) } : null,
      timers: scene.timers.map((timer) => Number.parseInt(timer, 10)),
      pages: scene.pages,
      navigations: scene.navigations.slice(launch || !before ? 0 : before.navigations.length),
      toastsShown: scene.toasts - (before?.toasts ?? 0),
      loadingMask: scene.loading,
      explains: /(?:^|; )error (\S+);/.exec(scene.context)?.[1] ?? null,
      stored: scene.stored,
      requests,
      serverEvents: scene.serverEvents.slice(before?.serverEvents.length ?? 0),
      deferredRuns: scene.invitesAccepted,
      reports: scene.reports,
    });
    before = scene;
  });
  return { config, steps: trace };
}
