// The outcome of a scenario as a reviewer reads it: where it ends, what the phone shows and
// keeps, every call that went out in order, the page requests' fates, what the server recorded.
// The same shape comes from the model (committed, reviewed) and from the real system (checked
// against what was committed).

import { describeEvent } from '../model/alphabet.js';
import type { SceneStep, TraceStep } from '../properties/trace.js';
import { traceOf } from '../properties/trace.js';

export interface Outcome {
  scenario: string;
  /** Each step and what it made happen: calls sent, navigations, toasts, timers, server events, the page's flags. */
  timeline: string[];
  ends: { state: string; shows: string };
  phone: {
    pages: string[];
    navigations: string[];
    toasts: number;
    loadingMask: boolean;
    storage: string;
    deferredWorkRuns: number;
  };
  /** Every call the phone made, in order: wx.login, and HTTP with the token it carried. */
  sent: string[];
  stillWaiting: string[];
  timers: string[];
  pageRequests: string[];
  server: string[];
}

function effects(step: TraceStep, previous: TraceStep | undefined): string {
  const settled = [...step.requests].filter(([id, fate]) => fate !== 'pending' && previous?.requests.get(id) !== fate);
  const parts = [
    ...step.started.map((call) => `sends ${call.text}`),
    ...settled.map(([id, fate]) => `${id} ${fate}`),
    ...step.navigations,
    ...(step.toastsShown > 0 ? [`${step.toastsShown} toast`] : []),
    // The server names the wait after a rate limit (up to the next minute): the timer must be that long.
    ...(step.timers.length > 0 ? [`timer ${step.timers.map((ms) => (step.answered?.answer === 'rateLimited' && ms === step.answered.retryAfterMs ? 'as long as Retry-After' : `${ms}ms`)).join(', ')}`] : []),
    ...step.serverEvents.map((event) => `server: ${event}`),
  ];
  const shows = Object.entries(step.shows).filter(([, on]) => on).map(([flag]) => flag);
  const explains = step.explains ? `, explains ${step.explains}` : '';
  return [...parts, `shows ${shows.join(', ') || 'nothing'}${step.loadingMask ? ' under a loading mask' : ''}${explains}`].join('; ');
}

export function outcomeOf(title: string, steps: readonly SceneStep[]): Outcome {
  const last = steps[steps.length - 1]?.scene;
  if (!last) throw new Error(`${title}: no steps`);
  const trace = traceOf(steps);
  return {
    scenario: title,
    timeline: trace.steps.map((step, i) => `${i + 1}. ${describeEvent(step.event)} → ${effects(step, trace.steps[i - 1])}`),
    ends: { state: last.state, shows: last.shows },
    phone: {
      pages: last.pages,
      navigations: trace.steps.flatMap((step) => step.navigations),
      toasts: last.toasts,
      loadingMask: last.loading,
      storage: last.stored,
      deferredWorkRuns: last.invitesAccepted,
    },
    sent: trace.steps.flatMap((step) => step.started.map((call) => call.text)),
    stillWaiting: last.waiting,
    timers: last.timers,
    pageRequests: last.requests,
    server: last.serverEvents,
  };
}
