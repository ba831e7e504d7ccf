// Wraps any XState inspector (the Stately inspector's `inspect`, a logger) so that what it
// receives carries no secret. Masking only the context is not enough: the events carry the
// codes and tokens too (`xstate.done.actor.wxLogin` has the code, BIND_PHONE the phone code,
// LOGIN_GONE the token), child actors hold them as input and output, and the Stately
// inspector reads `actorRef.getSnapshot()` later, when the live snapshot holds the new token.
// So every inspection event is copied with secrets masked, and each actor ref in it is
// replaced by a view that shows only what inspectors read, masked.

import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import type { Mask } from './mask.js';
import { createMask } from './mask.js';

export type InspectFunction = (event: InspectionEvent) => void;
export type Inspector = InspectFunction | Observer<InspectionEvent>;

type Indexed = Record<PropertyKey, unknown>;

// What an actor view exposes. Everything else (the mailbox, the actor scope, the scheduler)
// holds live events and the unmasked actor itself, so it reads as undefined.
const PLAIN_ACTOR_FIELDS = new Set<PropertyKey>(['id', 'sessionId', 'src', 'systemId', 'logic', '_processingStatus']);
const MASKED_ACTOR_FIELDS = new Set<PropertyKey>(['_snapshot', 'options', '_parent']);
const ACTOR_METHODS = new Set<PropertyKey>(['send', 'toJSON']);

function isActorRef(value: object): value is AnyActorRef {
  const ref = value as Partial<AnyActorRef>;
  return typeof ref.send === 'function' && typeof ref.getSnapshot === 'function' && typeof ref.sessionId === 'string';
}

/** Masked views of actor refs and their system, memoised so `event.actorRef === …` stays stable. */
function createViews(getMask: () => Mask) {
  const views = new WeakMap<object, unknown>();

  const memo = <T extends object>(real: T, make: () => T): T => {
    if (!views.has(real)) views.set(real, make());
    return views.get(real) as T;
  };

  const systemView = (system: object): object => memo(system, () => new Proxy(system, {
    get(target, prop) {
      const real = target as Indexed & { get(id: string): unknown; getAll(): unknown; getSnapshot(): unknown };
      if (prop === 'get') return (id: string) => getMask()(real.get(id));
      if (prop === 'getAll') return () => getMask()(real.getAll());
      if (prop === 'getSnapshot') return () => getMask()(real.getSnapshot());
      return undefined;
    },
  }));

  const actorView = (ref: AnyActorRef): AnyActorRef => memo(ref, () => new Proxy(ref, {
    get(target, prop) {
      const mask = getMask();
      const real = target as unknown as Indexed;
      if (PLAIN_ACTOR_FIELDS.has(prop)) return real[prop];
      if (MASKED_ACTOR_FIELDS.has(prop)) return mask(real[prop]);
      // Methods run on the real actor: its own code must keep seeing its real snapshot.
      if (ACTOR_METHODS.has(prop)) return (real[prop] as (...args: unknown[]) => unknown).bind(target);
      switch (prop) {
        case 'ref':
          return actorView(ref);
        case 'system':
          return real['system'] ? systemView(real['system'] as object) : undefined;
        case 'getSnapshot':
          return () => mask(target.getSnapshot());
        case 'getPersistedSnapshot':
          return () => mask(target.getPersistedSnapshot?.());
        case 'subscribe':
          return (first: Observer<unknown> | ((snapshot: unknown) => void), ...rest: Array<() => void>) =>
            typeof first === 'function'
              ? target.subscribe((snapshot: unknown) => first(mask(snapshot)), ...rest)
              : target.subscribe({ ...first, next: (snapshot: unknown) => first.next?.(mask(snapshot)) });
        default:
          return undefined;
      }
    },
  }));

  return { actorView };
}

/** A masking function whose actor refs become masked views; one numbering per inspector. */
export function createInspectionMask(): Mask {
  let mask: Mask;
  const { actorView } = createViews(() => mask);
  mask = createMask({ substitute: (value) => (isActorRef(value) ? actorView(value) : undefined) });
  return mask;
}

/**
 * Wraps an XState inspector so that it sees no token, code, encrypted payload, session key or
 * phone number, in snapshots, events, actor inputs and outputs alike. Give the result to
 * `createActor(…, { inspect })` or miniauth's `inspect` option. Wrapping twice is harmless.
 */
export function maskingInspector(inspect: InspectFunction): InspectFunction;
export function maskingInspector(inspect: Observer<InspectionEvent>): Observer<InspectionEvent>;
export function maskingInspector(inspect: Inspector): Inspector;
export function maskingInspector(inspect: Inspector): Inspector {
  const mask = createInspectionMask();
  if (typeof inspect === 'function') return (event) => inspect(mask(event));
  const observer: Observer<InspectionEvent> = { next: (event) => inspect.next?.(mask(event)) };
  if (inspect.error) observer.error = (error) => inspect.error?.(mask(error));
  if (inspect.complete) observer.complete = () => inspect.complete?.();
  return observer;
}
