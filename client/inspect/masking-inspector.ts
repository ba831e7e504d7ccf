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

type Indexed = Record<PropertyKey, any>;

// What an actor view exposes. Everything else (the mailbox, the actor scope, the scheduler)
// holds live events and the unmasked actor itself, so it reads as undefined.
const PLAIN_ACTOR_FIELDS = /^(?:id|sessionId|src|systemId|logic|_processingStatus)$/;
const MASKED_ACTOR_FIELDS = /^(?:_snapshot|options|_parent)$/;
// Methods that run on the real actor: its own code must keep seeing its real snapshot.
const ACTOR_METHODS = /^(?:send|toJSON)$/;
// Readers whose answer is masked: the actor's and its system's.
const MASKED_READERS = /^(?:getSnapshot|getPersistedSnapshot|get|getAll)$/;

function isActorRef(value: Indexed): value is AnyActorRef {
  return typeof value.send === 'function' && typeof value.getSnapshot === 'function' && typeof value.sessionId === 'string';
}

/** A masking function whose actor refs become masked views; one numbering per inspector. */
export function createInspectionMask(): Mask {
  // Memoised, so that `event.actorRef === …` stays stable across events.
  const views = new WeakMap<object, unknown>();

  const view = (real: Indexed, actor: boolean): unknown => {
    if (!views.has(real)) {
      views.set(real, new Proxy(real, {
        get(target, prop) {
          if (typeof prop !== 'string') return undefined;
          const field = target[prop];
          if (MASKED_READERS.test(prop)) return field && ((...args: unknown[]) => mask(field.apply(target, args)));
          if (!actor) return undefined;
          if (PLAIN_ACTOR_FIELDS.test(prop)) return field;
          if (MASKED_ACTOR_FIELDS.test(prop)) return mask(field);
          if (ACTOR_METHODS.test(prop)) return field.bind(target);
          if (prop === 'ref') return view(target, true);
          if (prop === 'system') return field && view(field, false);
          if (prop === 'subscribe') {
            return (first: Indexed, ...rest: unknown[]) =>
              typeof first === 'function'
                ? target.subscribe((snapshot: unknown) => first(mask(snapshot)), ...rest)
                : target.subscribe({
                    error: first.error && first.error.bind(first),
                    complete: first.complete && first.complete.bind(first),
                    next: (snapshot: unknown) => first.next && first.next(mask(snapshot)),
                  });
          }
          return undefined;
        },
      }));
    }
    return views.get(real);
  };

  const mask: Mask = createMask({ substitute: (value) => (isActorRef(value) ? view(value, true) : undefined) });
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
  const observer: Observer<InspectionEvent> = { next: (event) => inspect.next && inspect.next(mask(event)) };
  if (inspect.error) observer.error = (error) => inspect.error!(mask(error));
  if (inspect.complete) observer.complete = () => inspect.complete!();
  return observer;
}
