// Every requirement as a property, and the check of a whole trace against all of them.

import { settingsFor } from '../model/environment.js';
import { consentFromTheBox, deniedConsentSendsNothing, failedSubmissionShown, payloadBeforeNewCode, profileNotAskedAgain } from './consent.js';
import { deepLinkFollowedOnce, sharedPageOnlySignedIn } from './deep-link.js';
import { Ledger } from './ledger.js';
import { blockedNeverRetried, failurePolicy, oneLoginAtATime, retriesBounded, wxLoginFrequency } from './logins.js';
import type { Property, RunContext } from './property.js';
import { goneAnswerHandling, reloginsBounded } from './relogins.js';
import { noTokenAfterLogout, refusedTokenNeverResent, requestsSettledOnce, tokenWhileSignedIn } from './requests.js';
import { busyTapsChangeNothing, signedOutStaysOut } from './sessions.js';
import { agreeLetsTheCallGoOnce, misconfigurationReportedOnce, popupOnlyInSession, privacyRefusalSendsNothing } from './privacy.js';
import type { Trace } from './trace.js';

export const PROPERTIES: readonly Property[] = [
  oneLoginAtATime, wxLoginFrequency, retriesBounded, failurePolicy, blockedNeverRetried,
  reloginsBounded, goneAnswerHandling,
  requestsSettledOnce, tokenWhileSignedIn, noTokenAfterLogout, refusedTokenNeverResent,
  sharedPageOnlySignedIn, deepLinkFollowedOnce,
  deniedConsentSendsNothing, consentFromTheBox, profileNotAskedAgain, payloadBeforeNewCode, failedSubmissionShown,
  busyTapsChangeNothing, signedOutStaysOut,
  popupOnlyInSession, privacyRefusalSendsNothing, agreeLetsTheCallGoOnce, misconfigurationReportedOnce,
];

export interface Violation {
  property: Property;
  /** The step (0-based) where it stopped holding. */
  step: number;
  what: string;
}

export function runContext(trace: Trace): RunContext {
  const { maxRetries, reloginCap, backoffMs, rateLimitWaitMs } = settingsFor(trace.config);
  return { config: trace.config, limits: { maxRetries, reloginCap, backoffMs, rateLimitWaitMs } };
}

/** Checks every step of the trace against the properties; the first violation of each. */
export function checkTrace(trace: Trace, properties: readonly Property[] = PROPERTIES): Violation[] {
  const run = runContext(trace);
  const monitors = properties.map((property) => ({ property, check: property.monitor(run) }));
  const violations: Violation[] = [];
  const ledger = new Ledger();
  const broken = new Set<Property>();
  trace.steps.forEach((step, i) => {
    const previous = i > 0 ? trace.steps[i - 1]! : null;
    for (const { property, check } of monitors) {
      if (broken.has(property)) continue;
      const what = check({ step, previous, ledger });
      if (what !== null) {
        broken.add(property);
        violations.push({ property, step: i, what });
      }
    }
    ledger.advance(step);
  });
  return violations;
}

export function describeViolation(violation: Violation, trace: Trace, describe: (step: Trace['steps'][number]) => string): string {
  const { property, step, what } = violation;
  const lines = [`${property.id} (${property.requirements.join(', ')}) fails at step ${step + 1}: ${what}`, `  rule: ${property.says}`];
  trace.steps.slice(0, step + 1).forEach((s, i) => lines.push(`  ${i === step ? '✗' : ' '} ${String(i + 1).padStart(2)}. ${describe(s)}`));
  return lines.join('\n');
}
