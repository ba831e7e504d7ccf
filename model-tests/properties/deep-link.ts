// Properties of a launch from a shared card: the page and its query are followed once, after
// the login and only then, in component mode (deferred work) and login-page mode (redirect).

import { describePage, SHARED_PAGE } from '../model/environment.js';
import type { Property } from './property.js';
import type { TraceStep } from './trace.js';

const SHARED = describePage(SHARED_PAGE);
const SHARED_ROUTE = SHARED_PAGE.route;

const launchedOn = (step: TraceStep) =>
  step.event.type === 'LAUNCH' || step.event.type === 'RELAUNCH' || step.event.type === 'REINSTALL' ? step.event.page : null;
const toShared = (navigation: string) => navigation.startsWith('redirectTo ') && navigation.includes(SHARED_ROUTE);

export const sharedPageOnlySignedIn: Property = {
  id: 'shared-page-only-signed-in',
  requirements: ['R7'],
  says: 'In login-page mode a person who is not signed in never lands on the shared page: a launch on it shows the login page, and the redirect to it comes with the sign-in.',
  monitor: ({ config }) => ({ step }) => {
    if (config.mode !== 'loginPage') return null;
    if (launchedOn(step) === 'share' && !step.shows.signedIn && step.pages.at(-1)?.startsWith(SHARED_ROUTE)) {
      return `launched on the shared page without a login, the person sees ${step.pages.at(-1)}`;
    }
    const early = step.navigations.find(toShared);
    return early && !step.shows.signedIn ? `${early} before the person is signed in` : null;
  },
};

export const deepLinkFollowedOnce: Property = {
  id: 'deep-link-followed-once',
  requirements: ['R7'],
  says: 'After a launch on a shared card, the page is followed exactly once, by the first step that signs the person in, with its query intact: the deferred work runs once (component mode), or one redirect leaves a stack of just that page (login-page mode; a logout before signing in drops it). A launch elsewhere follows nothing.',
  monitor: ({ config }) => {
    let page: 'share' | 'login' | null = null;
    let dropped = false;
    let followed = 0;
    let signedInOnce = false;
    let deferredAtLaunch = 0;
    return ({ step, previous }) => {
      const launched = launchedOn(step);
      if (launched) {
        page = launched;
        followed = 0;
        dropped = false;
        signedInOnce = false;
        deferredAtLaunch = previous?.deferredRuns ?? 0;
      }
      if (step.event.type === 'LOGOUT' && !signedInOnce) dropped = true;
      const redirects = step.navigations.filter(toShared);
      if (redirects.some((navigation) => navigation !== `redirectTo ${SHARED}`)) return `the query was not kept: ${redirects.join(', ')}`;
      if (config.mode === 'loginPage') {
        followed += redirects.length;
        if (redirects.length > 0 && page !== 'share') return `${redirects[0]} after a launch on the ${page ?? 'no'} page`;
      } else {
        const runs = step.deferredRuns - deferredAtLaunch;
        if (runs > followed && !step.shows.signedIn) return 'the deferred work ran before the person was signed in';
        followed = runs;
      }
      if (followed > 1) return `the shared page was followed ${followed} times`;
      if (page !== 'share' || !step.shows.signedIn || signedInOnce) return null;
      signedInOnce = true;
      if (config.mode === 'component') return followed === 1 ? null : 'signed in, but the deferred work did not run';
      if (dropped) return null;
      const stack = step.pages.join(' | ');
      return stack === SHARED ? null : `signed in, the page stack is ${stack || 'empty'} instead of just ${SHARED}`;
    };
  },
};
