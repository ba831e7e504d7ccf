// Runs one generated path against the real system, step by step: do the event, let the system
// settle, then compare everything a person and the operator can see with what the model says.
// The first disagreement stops the path with a report a person can act on.

import { describeEvent } from './model/alphabet.js';
import type { ModelPath } from './model/paths.js';
import type { ModelState, StepRecord } from './model/test-model.js';
import { initialModelState, statePath } from './model/test-model.js';
import { expectedScene } from './model/expectations.js';
import type { Difference } from './scene.js';
import { differences } from './scene.js';
import type { Plant } from './system/app.js';
import { AppUnderTest } from './system/app.js';
import { observedScene } from './system/observe.js';
import { perform } from './system/perform.js';
import type { SceneStep } from './properties/trace.js';
import { elapsed } from './properties/trace.js';
import type { SystemWorld } from './system/world.js';

export class PathDisagreement extends Error {
  constructor(
    readonly report: string,
    /** The step (0-based) where the system disagreed, and how; a string when the step could not be done. */
    readonly step: number,
    readonly found: Difference[] | string,
    /** What the system showed up to and including that step. */
    readonly shown: readonly SceneStep[] = [],
  ) {
    super(report);
    this.name = 'PathDisagreement';
  }
}

export interface PathRun {
  /** What the SDK's machine did on each step, for coverage. */
  records: StepRecord[];
  /** What the system showed after each step: the trace the requirements are checked on. */
  shown: SceneStep[];
}

export function describePath(path: ModelPath): string {
  return path.steps.map((step) => describeEvent(step.event)).join(' → ');
}

function report(title: string, path: ModelPath, failedAt: number, model: ModelState, found: Difference[] | string): string {
  const lines = [title, '', 'Events of the path:'];
  path.steps.forEach((step, i) => lines.push(`  ${i === failedAt ? '✗' : i < failedAt ? '✓' : ' '} ${String(i + 1).padStart(2)}. ${describeEvent(step.event)}`));
  lines.push('', `After step ${failedAt + 1} the model is in ${model.machine ? statePath(model.machine.value) : 'no state'}.`);
  if (typeof found === 'string') {
    lines.push(`The step could not be done on the system: ${found}`);
  } else {
    lines.push('Where the system disagreed:');
    for (const difference of found) {
      lines.push(`  ${difference.field}`, `      model expected: ${difference.expected}`, `      system showed:  ${difference.shown}`);
    }
  }
  lines.push('', `Replay: ${JSON.stringify(path.steps.map((step) => step.event))}`);
  return lines.join('\n');
}

/** Runs the paths in order until one disagrees: the proof that a planted bug is caught. */
export async function firstDisagreement(world: SystemWorld, paths: readonly ModelPath[], plant: Plant): Promise<PathDisagreement | null> {
  for (const [i, path] of paths.entries()) {
    try {
      await runPath(world, path, `Path ${i + 1} of ${paths.length}`, plant);
    } catch (error) {
      if (error instanceof PathDisagreement) return error;
      throw error;
    }
  }
  return null;
}

export async function runPath(world: SystemWorld, path: ModelPath, name: string, plant?: Plant): Promise<PathRun> {
  const install = path.steps[0]?.event;
  if (install?.type !== 'INSTALL') throw new Error(`${name} does not begin with an install`);
  const app = new AppUnderTest(world, { mode: install.mode, profile: install.profile, privacy: install.privacy ?? 'wechat' }, plant);
  const records: StepRecord[] = [];
  const shown: SceneStep[] = [];
  await world.device.clearFaults();
  const cursor = await world.eventCursor();
  let before = initialModelState();
  try {
    for (const [i, step] of path.steps.entries()) {
      try {
        // The phone's clock moves as the trace counts it (WeChat's privacy gap and wx.login rule run on it).
        app.phoneClock += elapsed(step.event, step.event.type === 'INSTALL' ? [] : app.instance.clock.pending());
        await perform(app, step.event, before);
        await app.settle();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PathDisagreement(report(`${name} could not go on at step ${i + 1}.`, path, i, step.state, reason), i, reason);
      }
      app.nameToken(step.state.machine?.context.token ?? null);
      const record = app.takeRecord();
      records.push(record);
      const scene = await observedScene(app, record, cursor);
      const retryAfterMs = step.event.type === 'END' ? app.instance.gate.lastRetryAfterMs() : undefined;
      shown.push({ event: step.event, scene, ...(retryAfterMs ? { retryAfterMs } : {}) });
      const retryAfter = app.instance.auth.getSnapshot().context.error?.retryAfterSeconds;
      const found = differences(expectedScene(step.state, retryAfter), scene);
      if (found.length > 0) {
        const title = `${name} disagrees with the model at step ${i + 1} of ${path.steps.length}.`;
        throw new PathDisagreement(report(title, path, i, step.state, found), i, found, shown);
      }
      before = step.state;
    }
    // WeChat's call-frequency rule, enforced by the simulator's phone: the SDK never broke it.
    if (app.tooFrequentLogins() > 0) {
      throw new PathDisagreement(`${name}: WeChat refused ${app.tooFrequentLogins()} wx.login call(s) as more than 4 a second`, path.steps.length - 1, 'wx.login too frequent', shown);
    }
  } finally {
    app.close();
  }
  return { records, shown };
}
