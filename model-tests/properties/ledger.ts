// What the phone can be seen to know at each step of a trace, kept once for every property:
// which token it holds, which login run a wx.login belongs to and how many automatic retries
// that run has made, how many silent re-logins it made since the server last accepted a
// token. All of it follows from calls and answers, never from the machine's context.

import type { Call, TraceStep } from './trace.js';

/** Why a wx.login started: a new login, an automatic retry of the current one, or the legacy payload's fresh code. */
export type CodeReason = 'fresh' | 'retry' | 'payload';

/** The answers to a login call that end an attempt without a token. */
export const LOGIN_FAULTS = new Set(['busy', 'codeUsed', 'badCode', 'rateLimited', 'blocked', 'network', 'wxLogin', 'server']);

export interface LedgerView {
  /** Tokens the server granted so far: the newest is `t<issued>`. */
  issued: number;
  /** The token the phone holds and sends, as far as its calls show. */
  held: string | null;
  /** Automatic retries in the current login run. */
  runRetries: number;
  /** Silent re-logins since the server last accepted a token (or the person started afresh). */
  relogins: number;
  /** A legacy payload failed to decrypt: the next wx.login is its fresh code, not a login. */
  awaitingPayloadCode: boolean;
  /** Page requests answered "login gone" so far, by id (this app process). */
  goneAnswers: Map<string, number>;
}

export const tokenNumber = (label: string | null) => (label === null ? 0 : Number(label.slice(1)));

/** A login is under way: its call is on the network, or its retry timer runs while the page shows busy. */
export function loginUnderWay(step: Pick<TraceStep, 'waiting' | 'timers' | 'shows'>): boolean {
  return step.waiting.some((call) => call.kind === 'wx.login' || call.kind === 'exchange')
    || (step.timers.length > 0 && step.shows.busy);
}

export function isLoginCall(call: Call): boolean {
  return call.kind === 'wx.login' || call.kind === 'exchange';
}

export class Ledger {
  private state: LedgerView = {
    issued: 0, held: null, runRetries: 0, relogins: 0, awaitingPayloadCode: false, goneAnswers: new Map(),
  };

  /** The ledger before the step being checked. */
  get before(): Readonly<LedgerView> {
    return this.state;
  }

  /** Why each wx.login of the step started (in the order started). */
  codeReasons(step: TraceStep): CodeReason[] {
    const answered = step.answered;
    const payload = this.state.awaitingPayloadCode
      || (answered?.call.route === 'POST /me/profile/wechat' && answered.answer === 'decrypt');
    const afterFailure = answered !== null && isLoginCall(answered.call) && LOGIN_FAULTS.has(answered.answer);
    const automatic = step.event.type === 'TIMER' || afterFailure;
    return step.started.filter((call) => call.kind === 'wx.login')
      .map(() => (payload ? 'payload' : automatic ? 'retry' : 'fresh'));
  }

  /** Moves the ledger past the step. */
  advance(step: TraceStep): void {
    const next: LedgerView = { ...this.state, goneAnswers: new Map(step.launch ? [] : this.state.goneAnswers) };
    const reasons = this.codeReasons(step);
    if (step.launch) next.awaitingPayloadCode = false;
    const { answered } = step;
    if (answered?.call.route === 'POST /me/profile/wechat' && answered.answer === 'decrypt') next.awaitingPayloadCode = true;
    if (answered?.call.kind === 'wx.login' && this.state.awaitingPayloadCode) next.awaitingPayloadCode = false;
    if (answered?.call.kind === 'exchange' && answered.answer === 'ok') {
      next.issued += 1;
      next.held = `t${next.issued}`;
    }
    if (answered?.answer === 'gone') {
      if (answered.call.token === next.held) next.held = null;
      if (answered.call.request) next.goneAnswers.set(answered.call.request, (next.goneAnswers.get(answered.call.request) ?? 0) + 1);
    }
    for (const reason of reasons) {
      if (reason === 'payload') continue;
      next.held = null; // a login replaces the token
      if (reason === 'retry') {
        next.runRetries += 1;
      } else {
        next.runRetries = 0;
        if (step.event.type === 'ANSWER') next.relogins += 1;
      }
    }
    // Re-logins are counted since the server last accepted the token, or the person started afresh.
    const accepted = step.event.type === 'ANSWER' && answered?.answer === 'ok' && answered.call.token !== null
      && answered.call.token === this.state.held;
    const startedByPerson = (step.event.type === 'LOGIN' || step.event.type === 'RETRY') && reasons.includes('fresh');
    if (accepted || step.launch || startedByPerson || step.event.type === 'LOGOUT') next.relogins = 0;
    if (step.event.type === 'LOGOUT' || step.event.type === 'REINSTALL' || step.shows.signedOut) next.held = null;
    this.state = next;
  }
}
