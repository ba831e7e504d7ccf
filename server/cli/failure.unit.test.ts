import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { DatabaseLockedError, PgliteInProductionError } from '../store/index.js';
import { UsageError } from './command.js';
import { describeFailure } from './failure.js';

function systemError(code: string, syscall: string, address: string, port: number): Error {
  return Object.assign(new Error(`${syscall} ${code} ${address}:${port}`), { code, syscall, address, port });
}

describe('describeFailure', () => {
  it('tells bad usage (exit 2) from failed work (exit 1)', () => {
    expect(describeFailure('events', new UsageError('--openid is required')).exitCode).toBe(2);
    expect(describeFailure('serve', new ConfigError(['PORT: bad'])).exitCode).toBe(1);
  });

  it('names the directory and the process holding a PGlite directory, and what to do', () => {
    const { lines, exitCode } = describeFailure('serve', new DatabaseLockedError('/srv/.miniauth/data', 4242));
    expect(exitCode).toBe(1);
    expect(lines[0]).toBe('miniauth serve: the PGlite directory /srv/.miniauth/data is held by another process (pid 4242), probably another miniauth.');
    expect(lines[1]).toContain('DATABASE_URL');
  });

  it('says which port is taken and which setting moves it', () => {
    const { lines } = describeFailure('serve', systemError('EADDRINUSE', 'listen', '127.0.0.1', 3000));
    expect(lines).toEqual(['miniauth serve: 127.0.0.1:3000 is already in use (another server running?); set PORT, or SIM_PORT for the simulator.']);
  });

  it('points at DATABASE_URL when the database cannot be reached', () => {
    const { lines } = describeFailure('migrate', systemError('ECONNREFUSED', 'connect', '127.0.0.1', 5999));
    expect(lines[0]).toBe('miniauth migrate: connect 127.0.0.1:5999 failed (ECONNREFUSED); is the database (DATABASE_URL) reachable?');
  });

  it("passes PostgreSQL's own words on, without a stack", () => {
    const error = Object.assign(new Error('database "nope" does not exist'), { code: '3D000', severity: 'FATAL' });
    expect(describeFailure('migrate', error).lines).toEqual(['miniauth migrate: PostgreSQL said: database "nope" does not exist (3D000)']);
  });

  it('prints our typed errors as their message only', () => {
    const { lines } = describeFailure('serve', new PgliteInProductionError());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NODE_ENV=production');
  });

  it('shows the stack of an error nobody foresaw, as a bug to report', () => {
    const { lines, exitCode } = describeFailure('rebuild', new TypeError('x is undefined'));
    expect(exitCode).toBe(1);
    expect(lines[0]).toContain('unexpected error');
    expect(lines[1]).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});
