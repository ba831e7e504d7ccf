// The SDK watched by the Stately inspector's own inspectors (`@statelyai/inspect`), through
// miniauth's masking: the browser inspector's adapter (given a window of the test's own: the
// Chromium run is playground/inspector.e2e.test.ts), the WebSocket inspector over a real
// socket, and a custom adapter. Watching never changes what is watched: their serializers write
// into what they are handed, and the login still ends signed in with the right token; what
// they send holds no secret. An inspector that throws is reported once and the login goes on.

import { createBrowserInspector, createInspector, createWebSocketInspector } from '@statelyai/inspect';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';
import { loginMachine } from '../../machines/index.js';
import type { Phone, World } from '../testing/e2e-world.js';
import { eventually, startWorld } from '../testing/e2e-world.js';
import { maskingInspector } from './masking-inspector.js';

const PRISTINE_DEFINITION = JSON.stringify(loginMachine.config);

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

/** A session that puts every kind of secret through the machine: login, legacy profile, phone. */
async function playSession(phone: Phone): Promise<string[]> {
  phone.auth.start(phone.runtime.sim.launch({ path: 'pages/index/index', query: {}, scene: 1001 }));
  await eventually(() => phone.auth.getView().needsConsent, 'login box shown');
  const profile = await new Promise<Parameters<typeof phone.auth.consentWithWeChat>[0]>((resolve, reject) => {
    phone.runtime.wx.getUserProfile({ desc: 'Show your name to friends', success: resolve, fail: reject });
  });
  phone.auth.consentWithWeChat(profile);
  await eventually(() => phone.auth.getView().signedIn, 'signed in');
  const { detail: phoneButton } = await phone.runtime.sim.tapGetPhoneNumber();
  phone.auth.bindPhone(phoneButton);
  await eventually(() => phone.auth.getSnapshot().context.user?.phone != null, 'phone bound');
  await expect(phone.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true });
  return [
    phone.auth.getToken()!,
    ...phone.runtime.sim.logins.map((login) => login.code!),
    profile.encryptedData!,
    profile.iv!,
    profile.signature!,
    phoneButton.code!,
  ];
}

/**
 * The live session is whole (signed in, its token the one the server accepts, its phone bound),
 * and so is the machine every session shares: nothing was written into its definition, and a
 * new phone still logs in.
 */
async function expectUnharmed(phone: Phone): Promise<void> {
  const snapshot = phone.auth.getSnapshot();
  expect(snapshot.matches({ session: 'signedIn' })).toBe(true);
  expect(snapshot.context.token).toMatch(/^eyJ/);
  expect(snapshot.context.user?.phone).toMatch(/\*{4}/);
  await expect(phone.auth.request({ url: '/me' })).resolves.toMatchObject({ ok: true, status: 200 });
  expect(JSON.stringify(loginMachine.config)).toBe(PRISTINE_DEFINITION);
  const next = world.phone();
  next.auth.start(next.runtime.sim.launch({ path: 'pages/index/index', query: {}, scene: 1001 }));
  await eventually(() => next.auth.getView().signedIn, 'another phone signed in');
}

function expectNoSecret(sent: unknown[], secrets: readonly string[]): void {
  const text = JSON.stringify(sent);
  expect(secrets.every((secret) => typeof secret === 'string' && secret.length >= 8)).toBe(true);
  for (const secret of secrets) expect(text, `leaked: ${secret.slice(0, 12)}…`).not.toContain(secret);
  expect(text).toContain('[masked token #1]');
}

/**
 * What the inspectors defer to an idle moment (setTimeout 0 outside a browser) has run: timers
 * fire in the order they fall due, so those set before this one run first, however late.
 */
const idle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the Stately inspectors, through maskingInspector', () => {
  it("the browser inspector: its serializer writes into what it is handed, never onto the live actors", async () => {
    // The window the browser inspector opens, and the one it listens on: the test's own.
    const posted: unknown[] = [];
    const listeners: Array<(event: { data: unknown }) => void> = [];
    const page = {
      open: () => ({ postMessage: (data: unknown) => posted.push(data) }),
      addEventListener: (_type: string, listener: (event: { data: unknown }) => void) => listeners.push(listener),
    };
    const inspector = createBrowserInspector({ window: page } as unknown as NonNullable<Parameters<typeof createBrowserInspector>[0]>);
    const phone = world.phone({ profile: 'required', inspect: maskingInspector(inspector.inspect) });
    const secrets = await playSession(phone);
    await idle();
    // The inspector window answers: every deferred event is serialized now, then each new one.
    for (const listener of listeners) listener({ data: { type: '@statelyai.connected' } });
    await phone.auth.request({ url: '/me' });
    await idle();
    expect(posted.length).toBeGreaterThan(20);
    expectNoSecret(posted, secrets);
    await expectUnharmed(phone);
  });

  it('the WebSocket inspector sends masked events over a real socket, and the session is unharmed', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const received: unknown[] = [];
    server.on('connection', (socket) => socket.on('message', (data) => received.push(JSON.parse(String(data)))));
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}` });
    try {
      const phone = world.phone({ profile: 'required', inspect: maskingInspector(inspector.inspect) });
      const secrets = await playSession(phone);
      await eventually(() => received.length > 20, 'events received over the socket');
      expectNoSecret(received, secrets);
      await expectUnharmed(phone);
    } finally {
      inspector.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a custom adapter gets masked events, whatever its serializer does to them', async () => {
    const sent: unknown[] = [];
    // A serializer that marks what it has seen on every object it is handed, as some do.
    const marking = (value: unknown, seen = new Set<object>()): void => {
      if (typeof value !== 'object' || value === null || seen.has(value)) return;
      seen.add(value);
      for (const key of Object.keys(value)) marking((value as Record<string, unknown>)[key], seen);
      (value as Record<string, unknown>)['__seenBy'] = 'serializer';
    };
    const inspector = createInspector(
      { send: (event) => sent.push(JSON.parse(JSON.stringify(event))) },
      { serialize: (event) => (marking(event), event) },
    );
    const phone = world.phone({ profile: 'required', inspect: maskingInspector(inspector.inspect) });
    const secrets = await playSession(phone);
    await idle();
    expect(sent.length).toBeGreaterThan(20);
    expectNoSecret(sent, secrets);
    expect(Object.keys(phone.auth.getSnapshot().context)).not.toContain('__seenBy');
    await expectUnharmed(phone);
  });

  it('an inspector that throws is reported once, and the login goes on', async () => {
    let calls = 0;
    const throwing = (_event: InspectionEvent): void => {
      calls += 1;
      throw new TypeError('the inspector broke');
    };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // As the docs say to pass it; auth.start() must not throw with it.
      const phone = world.phone({ profile: 'required', inspect: maskingInspector(throwing) });
      await playSession(phone);
      await expectUnharmed(phone);
      expect(calls).toBeGreaterThan(20); // still called: only its failures are contained
      expect(errors.mock.calls.filter(([message]) => String(message).includes('the inspector threw'))).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
    // Whoever wraps it themselves may take the report instead.
    const reported: unknown[] = [];
    const wrapped = maskingInspector(throwing, { onError: (error) => reported.push(error) });
    expect(() => wrapped({ type: '@xstate.event' } as InspectionEvent)).not.toThrow();
    expect(() => wrapped({ type: '@xstate.event' } as InspectionEvent)).not.toThrow();
    expect(reported).toEqual([expect.any(TypeError)]);
  });
});
