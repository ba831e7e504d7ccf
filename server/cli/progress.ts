// Progress of a long job: a bar redrawn in place on a terminal, plain lines (every tenth of
// the way) when stderr goes to a file or a pipe, where a redrawn bar would be noise.

import type { CliIo } from './command.js';

export interface Progress {
  /** `count` more items done. */
  advance(count: number): void;
  /** The last state, on its own line. */
  finish(): void;
}

const BAR_WIDTH = 30;
const REDRAW_EVERY_MS = 100;

export function renderBar(label: string, done: number, total: number, unit: string): string {
  const shownTotal = Math.max(total, done);
  const share = shownTotal === 0 ? 1 : done / shownTotal;
  const filled = Math.round(share * BAR_WIDTH);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${shownTotal} ${unit}`;
}

export function renderLine(label: string, done: number, total: number, unit: string): string {
  const shownTotal = Math.max(total, done);
  const percent = shownTotal === 0 ? 100 : Math.floor((done / shownTotal) * 100);
  return `${label}: ${done}/${shownTotal} ${unit} (${percent}%)`;
}

/** `total` is an estimate read beforehand: events appended meanwhile may push `done` past it. */
export function createProgress(io: CliIo, label: string, total: number, unit: string, clock: () => number = Date.now): Progress {
  let done = 0;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  return {
    advance(count) {
      done += count;
      if (io.errIsTTY) {
        if (clock() - lastDraw < REDRAW_EVERY_MS) return;
        lastDraw = clock();
        io.errInPlace(renderBar(label, done, total, unit));
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth > lastTenth && done < total) {
        lastTenth = tenth;
        io.err(renderLine(label, done, total, unit));
      }
    },
    finish() {
      if (io.errIsTTY) {
        io.errInPlace(renderBar(label, done, total, unit));
        io.err('');
      } else {
        io.err(renderLine(label, done, total, unit));
      }
    },
  };
}
