import { describe, expect, it } from 'vitest';
import { memoryIo } from '../testing/cli-harness.js';
import { createProgress, renderBar } from './progress.js';

describe('progress of a rebuild', () => {
  it('prints a plain line every tenth of the way when stderr is not a terminal, and the total at the end', () => {
    const io = memoryIo({ tty: false });
    const progress = createProgress(io, 'users', 1000, 'events');
    for (let i = 0; i < 100; i++) progress.advance(10);
    progress.finish();
    expect(io.stderr).toHaveLength(10);
    expect(io.stderr[0]).toBe('users: 100/1000 events (10%)');
    expect(io.stderr.at(-1)).toBe('users: 1000/1000 events (100%)');
    expect(io.stderr.join('')).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, at most ten times a second', () => {
    const io = memoryIo({ tty: true });
    let now = 0;
    const progress = createProgress(io, 'users', 1000, 'events', () => now);
    for (let i = 0; i < 100; i++) {
      now += 10;
      progress.advance(10);
    }
    progress.finish();
    const drawings = io.stderr.filter((line) => line.startsWith('\r'));
    expect(drawings.length).toBeLessThanOrEqual(12);
    expect(drawings.at(-1)).toBe(`\r${renderBar('users', 1000, 1000, 'events')}`);
    expect(io.stderr.at(-1)).toBe(''); // the finished bar keeps its line
  });

  it('grows the total when more arrived than counted beforehand, and handles an empty log', () => {
    expect(renderBar('users', 12, 10, 'events')).toMatch(/100% 12\/12 events$/);
    const io = memoryIo();
    const empty = createProgress(io, 'users', 0, 'events');
    empty.finish();
    expect(io.stderr).toEqual(['users: 0/0 events (100%)']);
  });
});
