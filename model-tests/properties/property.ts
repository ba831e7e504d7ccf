// A requirement as a property of traces: a monitor fed every step of a run, in order, that says
// what went wrong at the first step where the requirement does not hold.

import type { LoginSettings } from '../../machines/index.js';
import type { AppConfig } from '../model/environment.js';
import type { Ledger } from './ledger.js';
import type { RequirementId } from './requirements.js';
import type { TraceStep } from './trace.js';

export interface StepCheck {
  step: TraceStep;
  /** The step before (null for the install). */
  previous: TraceStep | null;
  /** What the phone knew before this step. */
  ledger: Ledger;
}

/** A monitor for one run: null while the requirement holds, else what broke it. */
export type Monitor = (check: StepCheck) => string | null;

export interface RunContext {
  config: AppConfig;
  /** The limits the app gave the SDK (retries, re-login cap, waits). */
  limits: Pick<LoginSettings, 'maxRetries' | 'reloginCap' | 'backoffMs' | 'rateLimitWaitMs'>;
}

export interface Property {
  id: string;
  /** The requirements it checks (docs/model-tests.md lists them). */
  requirements: readonly RequirementId[];
  /** The rule, in a sentence a reviewer can hold the code to. */
  says: string;
  monitor(run: RunContext): Monitor;
}

export const callList = (calls: ReadonlyArray<{ text: string }>) => calls.map((call) => call.text).join(', ') || 'nothing';
