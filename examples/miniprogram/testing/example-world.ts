// What every example test file needs: the system (simulator, real server, throwaway PostgreSQL
// schema), a fresh copy of the example with the SDK built in, one phone at a time, and the few
// things a person does with the login box.

import { afterAll, afterEach, beforeAll } from 'vitest';
import { atRest } from '../../../client/testing/at-rest.js';
import { eventually, startWorld } from '../../../client/testing/e2e-world.js';
import type { World, WorldOptions } from '../../../client/testing/e2e-world.js';
import { copyExample } from './example-copy.js';
import type { ExampleCopy } from './example-copy.js';
import { Phone } from './phone.js';
import type { Page, PhoneSettings } from './phone.js';

export { atRest, eventually };

export interface ExampleWorld {
  world(): World;
  /** A new phone (a new WeChat user unless its storage is given), closed after the test. */
  phone(settings?: PhoneSettings): Phone;
}

/** Call at the top of a file (or a describe): the system starts before its tests and stops after. */
export function useExampleWorld(options: WorldOptions = {}): ExampleWorld {
  let world: World | undefined;
  let example: ExampleCopy | undefined;
  let open: Phone | undefined;

  beforeAll(async () => {
    [world, example] = await Promise.all([startWorld(options), copyExample()]);
  });
  afterEach(() => {
    open?.close();
    open = undefined;
  });
  afterAll(async () => {
    await world?.close();
    example?.remove();
  });

  return {
    world: () => world!,
    phone(settings = {}) {
      open = new Phone(example!, world!.apiUrl, world!.simulatorUrl, settings);
      return open;
    },
  };
}

/** Requests the app sent to a path of the miniauth server (or the simulator), oldest first. */
export function sentTo(phone: Phone, path: string, method?: string) {
  return phone.runtime.sim.requests.filter(
    (request) => new URL(request.url).pathname === path && (method === undefined || request.method === method),
  );
}

export function loginBoxShown(page: Page): boolean {
  return page.find('#login-box', '.login-box') !== undefined;
}

/** Picks an avatar with the chooseAvatar button and types a nickname, as a person does. */
export async function fillInProfile(phone: Phone, page: Page, nickname: string): Promise<void> {
  await page.fire('chooseavatar', ['#login-box', '#avatar'], phone.runtime.sim.chooseAvatar().detail);
  await page.fire('input', ['#login-box', '#nickname'], { value: nickname });
  await page.fire('blur', ['#login-box', '#nickname'], { value: nickname });
}

/** Event types the server recorded since `before` (an earlier `world.events()`). */
export async function eventsSince(world: World, before: string[]): Promise<string[]> {
  return (await world.events()).slice(before.length);
}
