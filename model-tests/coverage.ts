// Coverage of the machine's definition by what the real SDK's machine did during the runs
// (its inspection events), not by what the model predicted.

import { IGNORED_TAPS } from './model/alphabet.js';
import { describeTransition, machineGoals } from './model/goals.js';
import type { ModelPath } from './model/paths.js';
import type { StepRecord } from './model/test-model.js';

export class CoverageTally {
  private readonly goals = machineGoals();
  private readonly states = new Set<string>();
  private readonly transitions = new Set<string>();
  private readonly extras = new Set<string>();
  private paths = 0;
  private steps = 0;

  /** A path that ran to its end: what the system's machine did, and the model goals it checked. */
  add(path: ModelPath, records: readonly StepRecord[]): void {
    this.paths += 1;
    this.steps += records.length;
    for (const record of records) {
      record.entered.forEach((id) => this.states.add(id));
      record.taken.forEach((key) => this.transitions.add(key));
    }
    for (const goal of path.goals) if (goal.startsWith('action:') || goal.startsWith('tap:')) this.extras.add(goal);
  }

  uncoveredStates(): string[] {
    return this.goals.states.filter((id) => !this.states.has(id));
  }

  /** Uncovered transitions: no exceptions, the client can take every one of the chart. */
  uncoveredTransitions(): string[] {
    return this.goals.transitions.filter((key) => !this.transitions.has(key));
  }

  uncoveredExtras(): string[] {
    const wanted = [...this.goals.platformActions.map((name) => `action:${name}`), ...IGNORED_TAPS.map((tap) => `tap:${tap.goal}`)];
    return wanted.filter((goal) => !this.extras.has(goal));
  }

  summary(): string[] {
    const { states, transitions, platformActions } = this.goals;
    const coveredStates = states.filter((id) => this.states.has(id)).length;
    const coveredTransitions = transitions.filter((key) => this.transitions.has(key)).length;
    const extras = platformActions.length + IGNORED_TAPS.length;
    return [
      `model coverage: states ${coveredStates}/${states.length}, transitions ${coveredTransitions}/${transitions.length}, paths ${this.paths}`,
      ...this.uncoveredStates().map((id) => `  not covered: state ${id}`),
      ...this.uncoveredTransitions().map((key) => `  not covered: ${describeTransition(key)} (${key})`),
      `  also checked: platform actions and ignored taps ${extras - this.uncoveredExtras().length}/${extras}, ${this.steps} steps`,
    ];
  }
}
